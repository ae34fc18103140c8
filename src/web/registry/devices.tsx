import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type DeviceEventRecord, type DeviceRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { ErrorBox, Loading } from '@/web/components/status';
import { DEVICE_KINDS, DEVICE_PURPOSES } from '@/web/registry/record-form';

const STATUSES = ['in_use', 'in_storage', 'under_repair', 'disposed'] as const;
const CONDITIONS = ['working', 'needs_repair', 'broken'] as const;
const EVENTS = ['assigned', 'repaired', 'audited', 'disposed'] as const;
const PURPOSES = DEVICE_PURPOSES;

/**
 * A school's devices item by item: each with its status and condition, its history on demand, a way to
 * record what happened to it, and a form for a delivered device. The year's counts follow the items.
 */
export function DeviceList({ institutionId, canEdit }: { institutionId: number; canEdit: boolean }) {
  const { t } = useTranslation();
  const key = ['devices', institutionId];
  const devices = useQuery({
    queryKey: key,
    queryFn: () => api<DeviceRecord[]>(`/institutions/${institutionId}/devices`),
  });
  return (
    <section className="card" aria-labelledby={`devices-${institutionId}`}>
      <h2 id={`devices-${institutionId}`}>{t('devices.title')}</h2>
      {devices.isPending ? <Loading /> : null}
      {devices.isError ? <ErrorBox error={devices.error} onRetry={() => void devices.refetch()} /> : null}
      {devices.data?.length === 0 ? <p>{t('devices.empty')}</p> : null}
      {devices.data && devices.data.length > 0 ? (
        <ul className="list">
          {devices.data.map((d) => (
            <DeviceItem key={d.id} device={d} canEdit={canEdit} />
          ))}
        </ul>
      ) : null}
      {canEdit ? <AddDevice institutionId={institutionId} /> : null}
    </section>
  );
}

function DeviceItem({ device, canEdit }: { device: DeviceRecord; canEdit: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const base = useId().replace(/:/g, '');
  const [open, setOpen] = useState<'history' | 'event' | null>(null);
  const [event, setEvent] = useState<(typeof EVENTS)[number]>('audited');
  const [status, setStatus] = useState(device.status);
  const [condition, setCondition] = useState(device.condition);
  const [note, setNote] = useState('');
  const history = useQuery({
    queryKey: ['device-history', device.id],
    queryFn: () => api<DeviceEventRecord[]>(`/devices/${device.id}/history`),
    enabled: open === 'history',
  });
  const record = useMutation({
    mutationFn: () =>
      api<DeviceRecord>(`/devices/${device.id}`, {
        method: 'PATCH',
        body: {
          event,
          status: event === 'disposed' ? 'disposed' : status,
          condition,
          ...(event === 'audited' ? { lastAuditOn: new Date().toISOString().slice(0, 10) } : {}),
          ...(note.trim() ? { note: note.trim() } : {}),
        },
      }),
    onSuccess: () => {
      setOpen(null);
      setNote('');
      void client.invalidateQueries({ queryKey: ['devices', device.institutionId] });
      void client.invalidateQueries({ queryKey: ['device-history', device.id] });
      void client.invalidateQueries({ queryKey: ['registry', device.institutionId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate();
  };
  return (
    <li>
      <span className="what">
        {device.assetTag} · {t(`registry.deviceKind.${device.kind}`)}
        {device.model ? ` · ${device.model}` : ''}
      </span>
      <span className="meta">
        {t(`devices.status.${device.status}`)} · {t(`devices.condition.${device.condition}`)} ·{' '}
        {t(`registry.purpose.${device.purpose}`)}
        {device.lastAuditOn ? ` · ${t('devices.lastAudit')}: ${f.date(device.lastAuditOn)}` : ''}
      </span>
      <div className="row-buttons">
        <button
          type="button"
          className="secondary small"
          aria-expanded={open === 'history'}
          onClick={() => setOpen(open === 'history' ? null : 'history')}
        >
          {t('devices.history')}
        </button>
        {canEdit && device.status !== 'disposed' ? (
          <button
            type="button"
            className="secondary small"
            aria-expanded={open === 'event'}
            onClick={() => setOpen(open === 'event' ? null : 'event')}
          >
            {t('devices.recordEvent')}
          </button>
        ) : null}
      </div>
      {open === 'history' ? (
        history.isPending ? (
          <Loading />
        ) : history.isError ? (
          <ErrorBox error={history.error} />
        ) : (
          <ol className="history">
            {history.data.map((e) => (
              <li key={e.id}>
                <time dateTime={e.at}>{f.dateTime(e.at)}</time> — {t(`devices.event.${e.kind}`)}
                {e.note ? `: ${e.note}` : ''}
              </li>
            ))}
          </ol>
        )
      ) : null}
      {open === 'event' ? (
        <form className="form" onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${base}-event`}>{t('devices.whatHappened')}</label>
            <select
              id={`${base}-event`}
              value={event}
              onChange={(e) => setEvent(e.target.value as (typeof EVENTS)[number])}
            >
              {EVENTS.map((ev) => (
                <option key={ev} value={ev}>
                  {t(`devices.event.${ev}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="pair">
            <div className="field">
              <label htmlFor={`${base}-status`}>{t('devices.statusLabel')}</label>
              <select
                id={`${base}-status`}
                value={event === 'disposed' ? 'disposed' : status}
                disabled={event === 'disposed'}
                onChange={(e) => setStatus(e.target.value as DeviceRecord['status'])}
              >
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`devices.status.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${base}-condition`}>{t('devices.conditionLabel')}</label>
              <select
                id={`${base}-condition`}
                value={condition}
                onChange={(e) => setCondition(e.target.value as DeviceRecord['condition'])}
              >
                {CONDITIONS.map((c) => (
                  <option key={c} value={c}>
                    {t(`devices.condition.${c}`)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${base}-note`}>{t('devices.note')}</label>
            <input id={`${base}-note`} value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          {record.isError ? <ErrorBox error={record.error} /> : null}
          <button type="submit" disabled={record.isPending}>
            {record.isPending ? t('common.saving') : t('devices.saveEvent')}
          </button>
        </form>
      ) : null}
    </li>
  );
}

function AddDevice({ institutionId }: { institutionId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId().replace(/:/g, '');
  const [open, setOpen] = useState(false);
  const empty = {
    assetTag: '',
    serial: '',
    model: '',
    kind: 'desktop' as (typeof DEVICE_KINDS)[number],
    purpose: 'teaching' as (typeof PURPOSES)[number],
    acquiredOn: '',
  };
  const [draft, setDraft] = useState(empty);
  const add = useMutation({
    mutationFn: () =>
      api<DeviceRecord>(`/institutions/${institutionId}/devices`, {
        method: 'POST',
        body: {
          assetTag: draft.assetTag.trim(),
          serial: draft.serial.trim() || null,
          kind: draft.kind,
          model: draft.model.trim() || null,
          status: 'in_use',
          condition: 'working',
          purpose: draft.purpose,
          fundingProgramme: null,
          acquiredOn: draft.acquiredOn || null,
          endOfLifeOn: null,
          lastAuditOn: null,
          nextAuditOn: null,
        },
      }),
    onSuccess: () => {
      setDraft(empty);
      setOpen(false);
      void client.invalidateQueries({ queryKey: ['devices', institutionId] });
      void client.invalidateQueries({ queryKey: ['registry', institutionId] });
    },
  });
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        {t('devices.add')}
      </button>
    );
  const text = (field: 'assetTag' | 'serial' | 'model', required = false) => (
    <div className="field">
      <label htmlFor={`${base}-${field}`}>{t(`devices.${field}`)}</label>
      <input
        id={`${base}-${field}`}
        required={required}
        value={draft[field]}
        onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
      />
    </div>
  );
  return (
    <form
      className="form"
      aria-labelledby={`${base}-title`}
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h3 id={`${base}-title`}>{t('devices.add')}</h3>
      {text('assetTag', true)}
      <div className="pair">
        <div className="field">
          <label htmlFor={`${base}-kind`}>{t('registry.kind')}</label>
          <select
            id={`${base}-kind`}
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value as (typeof DEVICE_KINDS)[number] })}
          >
            {DEVICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`registry.deviceKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${base}-purpose`}>{t('registry.purposeLabel')}</label>
          <select
            id={`${base}-purpose`}
            value={draft.purpose}
            onChange={(e) => setDraft({ ...draft, purpose: e.target.value as (typeof PURPOSES)[number] })}
          >
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`registry.purpose.${p}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {text('model')}
      {text('serial')}
      <div className="field">
        <label htmlFor={`${base}-acquired`}>{t('devices.acquiredOn')}</label>
        <input
          id={`${base}-acquired`}
          type="date"
          value={draft.acquiredOn}
          onChange={(e) => setDraft({ ...draft, acquiredOn: e.target.value })}
        />
      </div>
      {add.isError ? <ErrorBox error={add.error} /> : null}
      <div className="row-buttons">
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? t('common.saving') : t('devices.addSubmit')}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
