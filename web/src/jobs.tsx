// Analysis jobs, live: one WebSocket (/api/ws) for the whole app; every {"type":"job"}
// message updates the job list; a finished job refreshes every page's data.
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Job } from './api.ts';
import { bumpData } from './hooks.ts';

const Ctx = createContext<{ jobs: Map<number, Job>; connected: boolean; put: (j: Job) => void }>({ jobs: new Map(), connected: false, put: () => {} });

export function useJobs() {
  return useContext(Ctx);
}

export function JobWatcher({ children }: { children: ReactNode }) {
  const [jobs, setJobs] = useState(() => new Map<number, Job>());
  const [connected, setConnected] = useState(false);
  const seen = useRef(new Map<number, Job['state']>());
  const put = (j: Job) => {
    const before = seen.current.get(j.id);
    seen.current.set(j.id, j.state);
    setJobs((m) => new Map(m).set(j.id, j));
    if (j.state === 'done' && before !== 'done') bumpData();
  };
  const putRef = useRef(put);
  putRef.current = put;
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      ws = new WebSocket(`${proto}//${window.location.host}/api/ws`);
      ws.onopen = () => setConnected(true);
      ws.onmessage = (ev) => {
        try {
          const m = JSON.parse(String(ev.data)) as { type: string; job?: Job };
          if (m.type === 'job' && m.job !== undefined) putRef.current(m.job);
        } catch {
          /* not ours */
        }
      };
      ws.onclose = () => {
        setConnected(false);
        if (!stopped) retry = setTimeout(open, 3000);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, []);
  return <Ctx.Provider value={{ jobs, connected, put }}>{children}</Ctx.Provider>;
}
