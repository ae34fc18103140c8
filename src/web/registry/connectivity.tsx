import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ApiError, changeHeaders, type ConnectivityRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { ScrollBox } from '@/web/components/scroll-box';
import { CsvLink } from '@/web/csv';
import { ErrorBox, Loading } from '@/web/components/status';

/** A speed test's result, as the measurements endpoint takes it. */
interface Result {
  downloadMbps: number;
  uploadMbps: number | null;
  latencyMs: number | null;
}

const MB = 1024 * 1024;

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return Math.max(1, performance.now() - start);
}

async function download(bytes: number): Promise<number> {
  return timed(async () => {
    const response = await fetch(`/api/speedtest/download?bytes=${bytes}`, {
      cache: 'no-store',
      credentials: 'same-origin',
    });
    if (!response.ok) throw new ApiError(response.status, 'speedtest', '');
    await response.arrayBuffer();
  });
}

async function upload(bytes: number): Promise<number> {
  // Random bytes, so no link in between can compress them; getRandomValues fills at most 64 KiB at a time.
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65_536)
    crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65_536)));
  return timed(async () => {
    const response = await fetch('/api/speedtest/upload', {
      method: 'POST',
      headers: { ...changeHeaders(), 'content-type': 'application/octet-stream' },
      body: data,
      credentials: 'same-origin',
    });
    if (!response.ok) throw new ApiError(response.status, 'speedtest', '');
    await response.json();
  });
}

const mbps = (bytes: number, ms: number) => Math.round(((bytes * 8) / (ms / 1000) / 1_000_000) * 100) / 100;

/**
 * The speed test, run in the browser against the platform itself: latency from the fastest of a few tiny
 * requests, then a small download to gauge the link and a bigger one sized to last about two seconds (so a
 * slow rural link is not asked for 25 MB), then an upload sized the same way.
 */
export async function runSpeedTest(
  onStep: (step: 'latency' | 'download' | 'upload') => void,
): Promise<Result> {
  onStep('latency');
  const pings: number[] = [];
  for (let i = 0; i < 3; i++) pings.push(await download(1));
  const latencyMs = Math.round(Math.min(...pings));
  onStep('download');
  const probe = 256 * 1024;
  const probeMs = await download(probe);
  const size = Math.min(25 * MB, Math.max(probe, Math.round((probe / probeMs) * 2000)));
  const downloadMbps = size > probe ? mbps(size, await download(size)) : mbps(probe, probeMs);
  onStep('upload');
  const upProbeMs = await upload(probe);
  const upSize = Math.min(8 * MB, Math.max(probe, Math.round((probe / upProbeMs) * 2000)));
  const uploadMbps = upSize > probe ? mbps(upSize, await upload(upSize)) : mbps(probe, upProbeMs);
  return { downloadMbps, uploadMbps, latencyMs };
}

/** A connectivity status as a badge: good, moderate, bad, unknown. */
export function StatusBadge({ status }: { status: ConnectivityRecord['status'] }) {
  const { t } = useTranslation();
  return (
    <span className={`badge conn-${status}`} data-status={status}>
      {t(`connectivity.status.${status}`)}
    </span>
  );
}

/** A school's connectivity: its status against the benchmark, the weekly history, and (when allowed) the speed test. */
export function ConnectivityCard({ institutionId, canTest }: { institutionId: number; canTest: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [step, setStep] = useState<'latency' | 'download' | 'upload' | null>(null);
  const key = ['connectivity', institutionId];
  const conn = useQuery({
    queryKey: key,
    queryFn: () => api<ConnectivityRecord>(`/institutions/${institutionId}/connectivity`),
  });
  const test = useMutation({
    mutationFn: async () => {
      const result = await runSpeedTest(setStep);
      await api(`/institutions/${institutionId}/measurements`, { method: 'POST', body: result });
      return result;
    },
    onSettled: () => {
      setStep(null);
      void client.invalidateQueries({ queryKey: key });
    },
  });
  const num = (n: number | null) => (n === null ? '—' : f.number(n));

  return (
    <section className="card" aria-labelledby={`conn-${institutionId}`}>
      <h2 id={`conn-${institutionId}`}>{t('connectivity.title')}</h2>
      {conn.isPending ? <Loading /> : null}
      {conn.isError ? <ErrorBox error={conn.error} onRetry={() => void conn.refetch()} /> : null}
      {conn.data ? (
        <>
          <p>
            {t('connectivity.statusLabel')}: <StatusBadge status={conn.data.status} />
          </p>
          <p className="note">{t('connectivity.benchmark', { mbps: f.number(conn.data.benchmarkMbps) })}</p>
        </>
      ) : null}
      {canTest ? (
        <>
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            {test.isPending ? t('connectivity.testing') : t('connectivity.test')}
          </button>
          <div role="status" className="saved">
            {step ? t(`connectivity.step.${step}`) : ''}
            {test.isSuccess && !step
              ? t('connectivity.result', {
                  download: f.number(test.data.downloadMbps),
                  upload: num(test.data.uploadMbps),
                  latency: num(test.data.latencyMs),
                })
              : ''}
          </div>
          {test.isError ? <ErrorBox error={test.error} /> : null}
        </>
      ) : null}
      {conn.data ? (
        <>
          <h3>{t('connectivity.weekly')}</h3>
          {conn.data.weeks.length === 0 ? (
            <p>{t('connectivity.noMeasurements')}</p>
          ) : (
            <>
              <ScrollBox label={t('connectivity.weekly')}>
                <table className="table">
                  <caption className="visually-hidden">{t('connectivity.weekly')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('connectivity.week')}</th>
                      <th scope="col" className="num">
                        {t('connectivity.download')}
                      </th>
                      <th scope="col" className="num">
                        {t('connectivity.upload')}
                      </th>
                      <th scope="col" className="num">
                        {t('connectivity.latency')}
                      </th>
                      <th scope="col">{t('connectivity.statusLabel')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {conn.data.weeks.map((w) => (
                      <tr key={w.week}>
                        <th scope="row">{f.date(w.week)}</th>
                        <td className="num">{f.number(w.downloadMbps)}</td>
                        <td className="num">{num(w.uploadMbps)}</td>
                        <td className="num">{num(w.latencyMs)}</td>
                        <td>
                          <StatusBadge status={w.status} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollBox>
              <CsvLink
                name={`connectivity-${institutionId}`}
                header={[
                  t('connectivity.week'),
                  t('connectivity.measurements'),
                  t('connectivity.download'),
                  t('connectivity.upload'),
                  t('connectivity.latency'),
                  t('connectivity.statusLabel'),
                ]}
                rows={conn.data.weeks.map((w) => [
                  w.week,
                  w.measurements,
                  w.downloadMbps,
                  w.uploadMbps,
                  w.latencyMs,
                  t(`connectivity.status.${w.status}`),
                ])}
              />
            </>
          )}
        </>
      ) : null}
    </section>
  );
}
