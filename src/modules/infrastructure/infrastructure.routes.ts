import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireActor, type Role } from '@/server/access';
import { notFound } from '@/server/errors';
import type { Db } from '@/server/db/database';
import { IdParams, Ok } from '@/modules/identity/identity.schema';
import { changeContext } from '@/modules/identity/identity.routes';
import { areaScope, institutionScope } from '@/modules/institutions/institutions.service';
import * as store from '@/modules/infrastructure/infrastructure.store';
import * as service from '@/modules/infrastructure/infrastructure.service';
import {
  Connectivity,
  CreateDeviceBody,
  Device,
  DeviceEvent,
  DeviceParams,
  MeasurementBody,
  MoveDeviceBody,
  PatchDeviceBody,
  Project,
  ProjectBody,
  ReviewBody,
  SubmitBody,
  SchoolYearBody,
  SchoolYearParams,
  SchoolStateList,
  SchoolStateQuery,
  SchoolYearRecord,
  Settings,
  SettingsBody,
  NewProjectBody,
} from '@/modules/infrastructure/infrastructure.schema';

/** Who reads a school's registry: national staff, its region, its own staff. */
const READERS: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];
/** Who edits a school's record and devices: national staff and its director. */
const EDITORS: Role[] = ['admin', 'bureau', 'director'];
/** Who reviews a school's record. */
const REVIEWERS: Role[] = ['admin', 'bureau', 'regional'];
/** Who runs the speed test and records its result: school staff, and staff above who check a link. */
const TESTERS: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];
const NATIONAL: Role[] = ['admin', 'bureau'];

/** The largest speed-test download and upload: enough for a few seconds on a fast school link. */
const SPEEDTEST_MAX_BYTES = 25 * 1024 * 1024;

const deviceView = (d: store.DeviceRow) => ({ ...d, updatedAt: d.updatedAt.toISOString() });

/** The school ICT registry: yearly records and their review, devices, connectivity and the speed test. */
export default async function infrastructureRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['registry'];
  const schoolOfParam = (request: FastifyRequest) =>
    institutionScope(db, (request.params as { id: number }).id);
  const schoolOfDevice = async (request: FastifyRequest) => {
    const device = await store.findDevice(db, (request.params as { deviceId: number }).deviceId);
    if (!device) throw notFound('device');
    return institutionScope(db, device.institutionId);
  };

  r.get(
    '/institutions/:id/registry/:yearId',
    {
      config: { access: { roles: READERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "A school's ICT record for a year (last year's values to start from when none is saved)",
        params: SchoolYearParams,
        response: { 200: SchoolYearRecord },
      },
    },
    async (request) => service.getSchoolYear(db, request.params.id, request.params.yearId, request.locale),
  );

  r.put(
    '/institutions/:id/registry/:yearId',
    {
      config: { access: { roles: EDITORS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "Save a school's ICT record for a year; it goes to the region for review",
        params: SchoolYearParams,
        body: SchoolYearBody,
        response: { 200: SchoolYearRecord },
      },
    },
    async (request) =>
      service.saveSchoolYear(
        db,
        changeContext(request),
        request.params.id,
        request.params.yearId,
        request.body,
        request.locale,
      ),
  );

  r.put(
    '/institutions/:id/registry/:yearId/draft',
    {
      config: { access: { roles: EDITORS, scope: schoolOfParam } },
      schema: {
        tags,
        summary:
          "Save a school's ICT record for a year as a draft: kept, not sent for review; fields may be empty, rules between filled ones hold",
        params: SchoolYearParams,
        body: SchoolYearBody,
        response: { 200: SchoolYearRecord },
      },
    },
    async (request) =>
      service.saveSchoolYear(
        db,
        changeContext(request),
        request.params.id,
        request.params.yearId,
        request.body,
        request.locale,
        'draft',
      ),
  );

  r.post(
    '/institutions/:id/registry/:yearId/submit',
    {
      config: { access: { roles: EDITORS, scope: schoolOfParam } },
      schema: {
        tags,
        summary:
          "Send a school's saved draft for review, as read at `version`; refused when it breaks a rule of the record, or with 409 `stale_version` when it changed since",
        params: SchoolYearParams,
        body: SubmitBody,
        response: { 200: SchoolYearRecord },
      },
    },
    async (request) =>
      service.submitSchoolYear(
        db,
        changeContext(request),
        request.params.id,
        request.params.yearId,
        request.body.version,
        request.locale,
      ),
  );

  r.post(
    '/institutions/:id/registry/:yearId/review',
    {
      config: { access: { roles: REVIEWERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "Verify a school's record, or send it back with a note",
        params: SchoolYearParams,
        body: ReviewBody,
        response: { 200: SchoolYearRecord },
      },
    },
    async (request) =>
      service.reviewSchoolYear(
        db,
        changeContext(request),
        request.params.id,
        request.params.yearId,
        request.body.decision,
        request.body.note,
        request.locale,
      ),
  );

  r.get(
    '/registry/years/:yearId/schools',
    {
      config: {
        access: {
          roles: REVIEWERS,
          scope: async (request) => {
            const { areaId } = request.query as { areaId?: number };
            return areaId ? areaScope(db, areaId) : null;
          },
        },
      },
      schema: {
        tags,
        summary: 'Schools and the state of their record for a year, for review',
        params: Type.Object({ yearId: SchoolYearParams.properties.yearId }),
        querystring: SchoolStateQuery,
        response: { 200: SchoolStateList },
      },
    },
    async (request) =>
      service.schoolsForReview(db, requireActor(request), {
        yearId: request.params.yearId,
        ...request.query,
      }),
  );

  r.get(
    '/institutions/:id/devices',
    {
      config: { access: { roles: READERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "A school's device items",
        params: IdParams,
        response: { 200: Type.Array(Device) },
      },
    },
    async (request) => (await store.listDevices(db, request.params.id)).map(deviceView),
  );

  r.post(
    '/institutions/:id/devices',
    {
      config: { access: { roles: EDITORS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: 'Register a delivered device',
        params: IdParams,
        body: CreateDeviceBody,
        response: { 201: Device },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          deviceView(await service.createDevice(db, changeContext(request), request.params.id, request.body)),
        ),
  );

  r.patch(
    '/devices/:deviceId',
    {
      config: { access: { roles: EDITORS, scope: schoolOfDevice } },
      schema: {
        tags,
        summary: 'Record what happened to a device: assigned, repaired, audited or disposed',
        params: DeviceParams,
        body: PatchDeviceBody,
        response: { 200: Device },
      },
    },
    async (request) =>
      deviceView(
        await service.updateDevice(db, changeContext(request), request.params.deviceId, request.body),
      ),
  );

  r.post(
    '/devices/:deviceId/move',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Move a device to another institution',
        params: DeviceParams,
        body: MoveDeviceBody,
        response: { 200: Device },
      },
    },
    async (request) =>
      deviceView(
        await service.moveDevice(
          db,
          changeContext(request),
          request.params.deviceId,
          request.body.toInstitutionId,
          request.body.note,
        ),
      ),
  );

  r.get(
    '/devices/:deviceId/history',
    {
      config: { access: { roles: READERS, scope: schoolOfDevice } },
      schema: {
        tags,
        summary: "A device's history, oldest first",
        params: DeviceParams,
        response: { 200: Type.Array(DeviceEvent) },
      },
    },
    async (request) =>
      (await store.deviceHistory(db, request.params.deviceId)).map((e) => ({ ...e, at: e.at.toISOString() })),
  );

  r.get(
    '/institutions/:id/connectivity',
    {
      config: { access: { roles: READERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: "A school's measured connectivity: weekly medians and its status",
        params: IdParams,
        response: { 200: Connectivity },
      },
    },
    async (request) => service.connectivity(db, request.params.id),
  );

  r.post(
    '/institutions/:id/measurements',
    {
      config: { access: { roles: TESTERS, scope: schoolOfParam } },
      schema: {
        tags,
        summary: 'Record a speed-test result taken at the school',
        params: IdParams,
        body: MeasurementBody,
        response: { 201: Ok },
      },
    },
    async (request, reply) => {
      await service.recordMeasurement(
        db,
        changeContext(request),
        request.params.id,
        request.body,
        'speedtest',
      );
      return reply.status(201).send({ ok: true });
    },
  );

  // The speed test: the browser times a download and an upload of random bytes against the platform itself.
  r.get(
    '/speedtest/download',
    {
      config: { access: { roles: TESTERS } },
      schema: {
        tags,
        summary: 'Random bytes to time a download',
        querystring: Type.Object(
          { bytes: Type.Integer({ minimum: 1, maximum: SPEEDTEST_MAX_BYTES, default: 1024 * 1024 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      let left = request.query.bytes;
      const chunk = randomFillSync(Buffer.alloc(64 * 1024));
      const body = Readable.from(
        (function* () {
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            left -= n;
            yield n === chunk.length ? chunk : chunk.subarray(0, n);
          }
        })(),
      );
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(request.query.bytes))
        .header('cache-control', 'no-store')
        .header('content-encoding', 'identity')
        .send(body);
    },
  );

  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: SPEEDTEST_MAX_BYTES },
    (_r, body, done) => done(null, body),
  );
  r.post(
    '/speedtest/upload',
    {
      config: { access: { roles: TESTERS } },
      bodyLimit: SPEEDTEST_MAX_BYTES,
      schema: {
        tags,
        summary: 'Accepts bytes to time an upload; answers how many arrived',
        response: { 200: Type.Object({ bytes: Type.Integer() }) },
      },
    },
    async (request) => ({ bytes: Buffer.isBuffer(request.body) ? request.body.length : 0 }),
  );

  r.get(
    '/registry/projects',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The digital projects schools take part in',
        response: { 200: Type.Array(Project) },
      },
    },
    async () => store.listProjects(db),
  );

  r.post(
    '/registry/projects',
    {
      config: { access: { roles: NATIONAL } },
      schema: { tags, summary: 'Add a digital project', body: NewProjectBody, response: { 201: Project } },
    },
    async (request, reply) =>
      reply.status(201).send(await service.createProject(db, changeContext(request), request.body)),
  );

  r.put(
    '/registry/projects/:id',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary:
          'Change a digital project (or retire it: active false); 409 stale_version when it changed since read',
        params: IdParams,
        body: ProjectBody,
        response: { 200: Project },
      },
    },
    async (request) => service.changeProject(db, changeContext(request), request.params.id, request.body),
  );

  r.get(
    '/registry/settings',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'National settings of the registry', response: { 200: Settings } },
    },
    async () => service.registrySettings(db),
  );

  r.put(
    '/registry/settings',
    {
      config: { access: { roles: NATIONAL } },
      schema: {
        tags,
        summary: 'Change the benchmark speed; 409 stale_version when the settings changed since read',
        body: SettingsBody,
        response: { 200: Settings },
      },
    },
    async (request) => service.saveRegistrySettings(db, changeContext(request), request.body),
  );
}
