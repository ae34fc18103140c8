import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAll, signIn, startServer, stopWith, type ServerProcess } from '@test/spawn';
import { DEMO_PASSWORD } from '@/seed/demo-accounts';

/**
 * `maktab serve` in its own process parses an import in its worker thread: the worker's entry loads the
 * TypeScript modules there as the main thread does, and the report comes back over HTTP.
 */

const SERVER_URL = process.env.DATABASE_URL;

/** One school's values, by the registry's column names; the template decides which are sent. */
const SCHOOL: Record<string, string> = {
  school_id_govt: 'SMOKE-1',
  school_name: 'Sınaq məktəbi',
  area_code: 'AZ-QBA',
  education_level_govt: 'primary;basic;secondary',
  school_type: 'general_school',
  school_funding_type: 'public',
  school_area_type: 'rural',
  latitude: '41.36',
  longitude: '48.51',
  num_shifts: '1',
  num_students: '300',
  num_teachers: '30',
  electricity_availability: 'yes',
  electricity_type: 'grid',
  connectivity_govt: 'yes',
  connectivity_type_govt: 'fibre',
  download_speed_contracted: '50',
  num_students_shift1: '300',
};

describe('the worker thread of a spawned server', () => {
  let root: string;
  let database: string | null = null;
  let server: ServerProcess;

  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: SERVER_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-worker-smoke-'));
    const env: Record<string, string> = { DATA_DIR: root };
    if (SERVER_URL) {
      database = `maktab_worker_${randomBytes(6).toString('hex')}`;
      await admin(`create database ${database}`);
      const url = new URL(SERVER_URL);
      url.pathname = `/${database}`;
      env.DATABASE_URL = url.toString();
    }
    // The first start seeds the demo country.
    server = await startServer(env);
  }, 240_000);
  afterAll(async () => {
    if (server) await stopWith(server, 'SIGTERM');
    await killAll();
    if (database) await admin(`drop database if exists ${database} with (force)`);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('parses a CSV import in its worker and answers the dry run with a report', async () => {
    const session = await signIn(server.url, 'admin', DEMO_PASSWORD);
    const template = await session.request('GET', '/api/registry/templates/schools?format=csv');
    expect(template.status).toBe(200);
    const header = (await template.text())
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!
      .split(',');
    expect(header).toContain('school_id_govt');
    const body = `${header.join(',')}\r\n${header.map((h) => SCHOOL[h] ?? '').join(',')}\r\n`;
    const res = await fetch(`${server.url}/api/registry/import/schools?dryRun=true`, {
      method: 'POST',
      headers: { ...session.headers, 'content-type': 'text/csv' },
      body,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ rows: 1, created: 1 });
  }, 60_000);
});
