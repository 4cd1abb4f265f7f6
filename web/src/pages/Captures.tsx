// Captures: upload a pcap/pcapng (POST /api/captures, multipart field "file"), watch its
// analysis live (WebSocket job messages), and the captures analysed so far.
import { useRef, useState, type DragEvent } from 'react';
import { ApiError, can, csrf, type Capture, type Job } from '../api.ts';
import { Empty, ErrorBox, Link, Section, Time } from '../components/ui.tsx';
import { bytes, num } from '../format.ts';
import { useApi } from '../hooks.ts';
import { useJobs } from '../jobs.tsx';
import { useUser } from '../session.tsx';

function upload(file: File, onProgress: (sent: number, total: number) => void): Promise<Job> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/captures');
    xhr.setRequestHeader('x-csrf-token', csrf());
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
    xhr.onerror = () => reject(new Error('The upload failed (network error).'));
    xhr.onload = () => {
      const body = xhr.response as { job?: Job; error?: string; message?: string } | null;
      if (xhr.status === 202 && body?.job !== undefined) resolve(body.job);
      else reject(new ApiError(xhr.status, body?.error ?? 'upload', body?.message ?? `Upload failed (${xhr.status}).`));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

function JobRow({ job }: { job: Job }) {
  const pct = job.total > 0 ? Math.min(100, Math.round((job.done / job.total) * 100)) : job.state === 'done' ? 100 : 0;
  return (
    <li className={`job job-${job.state}`} data-testid="job" data-state={job.state}>
      <div className="job-head">
        <strong>{job.name}</strong> <span className="badge">{job.state}</span> <span className="muted small">by {job.user}, started <Time t={job.started} /></span>
      </div>
      <progress max={100} value={job.state === 'done' ? 100 : pct} aria-label={`Analysis of ${job.name}`}>{pct}%</progress>
      <span className="small"> {job.state === 'done' ? 100 : pct}% · {bytes(job.done)} of {bytes(job.total)}</span>
      {job.result !== undefined && (
        <p className="small" data-testid="job-result">
          {num(job.result.packets)} packets, {num(job.result.flows)} flows, {num(job.result.assets)} assets in the inventory.{' '}
          <Link to="/assets">See the assets</Link> · <Link to="/map">the map</Link>
          {job.result.errors.length > 0 && <span className="error"> {job.result.errors.join('; ')}</span>}
        </p>
      )}
      {job.error !== undefined && <p className="error">{job.error}</p>}
    </li>
  );
}

export function CapturesPage() {
  const user = useUser();
  const list = useApi<{ captures: Capture[]; jobs: Job[] }>('/api/captures');
  const { jobs: live, put } = useJobs();
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<{ loaded: number; total: number } | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [drag, setDrag] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const mayUpload = can(user, 'analyst');

  const jobs = new Map<number, Job>();
  for (const j of list.data?.jobs ?? []) jobs.set(j.id, j);
  for (const [id, j] of live) jobs.set(id, j);
  const jobList = [...jobs.values()].sort((a, b) => b.id - a.id);

  const send = async () => {
    if (file === null) return;
    setError(undefined);
    setSent({ loaded: 0, total: file.size });
    try {
      const job = await upload(file, (loaded, total) => setSent({ loaded, total }));
      put(job);
      setFile(null);
      if (input.current !== null) input.current.value = '';
    } catch (e) {
      setError(e as Error);
    } finally {
      setSent(null);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDrag(false);
    const f = e.dataTransfer.files[0];
    if (f !== undefined) setFile(f);
  };

  return (
    <div>
      <h1>Captures</h1>
      {mayUpload ? (
        <Section title="Upload a capture" id="c-upload">
          <div className={drag ? 'drop active' : 'drop'} onDragOver={(e) => { e.preventDefault(); setDrag(true); }} onDragLeave={() => setDrag(false)} onDrop={onDrop}>
            <p>Drop a pcap or pcapng file here (gzip-compressed too), or choose one:</p>
            <input ref={input} type="file" name="file" accept=".pcap,.pcapng,.cap,.gz,application/vnd.tcpdump.pcap" onChange={(e) => setFile(e.target.files?.[0] ?? null)} aria-label="Capture file" data-testid="capture-file" />
            {file !== null && <p>{file.name} · {bytes(file.size)}</p>}
            <button type="button" className="primary" disabled={file === null || sent !== null} onClick={() => void send()} data-testid="upload">Upload and analyse</button>
            {sent !== null && <p><progress max={sent.total} value={sent.loaded} aria-label="Upload" /> uploading {bytes(sent.loaded)} of {bytes(sent.total)}</p>}
            <ErrorBox error={error} />
            <p className="muted small">The analysis runs on the server; a capture analysed again replaces its earlier records. Large captures are faster with <code>palisade analyze FILE --db …</code> on the server.</p>
          </div>
        </Section>
      ) : (
        <p className="muted">Uploading captures needs the analyst role.</p>
      )}
      {jobList.length > 0 && (
        <Section title="Analyses" id="c-jobs">
          <ul className="jobs" aria-live="polite">{jobList.map((j) => <JobRow key={j.id} job={j} />)}</ul>
        </Section>
      )}
      <Section title="Analysed captures" id="c-list">
        <ErrorBox error={list.error} />
        {list.data !== undefined && (list.data.captures.length === 0 ? (
          <Empty>No captures yet: upload one above, or run <code>palisade analyze capture.pcap --db …</code> on the server.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="captures-table">
              <thead><tr><th scope="col">Name</th><th scope="col" className="num">Size</th><th scope="col" className="num">Packets</th><th scope="col" className="num">Records</th><th scope="col">First packet</th><th scope="col">Last packet</th><th scope="col">Analysed</th></tr></thead>
              <tbody>
                {list.data.captures.map((c) => (
                  <tr key={c.id}>
                    <td title={`SHA-256 ${c.sha256}`}>{c.name}</td>
                    <td className="num">{bytes(c.bytes)}</td>
                    <td className="num">{num(c.packets)}</td>
                    <td className="num">{num(c.records)}</td>
                    <td><Time t={c.first_ts} /></td>
                    <td><Time t={c.last_ts} /></td>
                    <td><Time t={c.analyzed_at} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </Section>
    </div>
  );
}
