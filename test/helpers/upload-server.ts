// A real `serve` (HTTP + WebSocket) with browser uploads on, for the tests of what students may send: a
// renderer folder, an uploads folder and a Service with the test's limits under one temporary folder, its
// teacher and students, and the upload POST as the page sends it.
import { expect } from 'vitest';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Service, type ServiceOptions } from '../../main/backend/service';
import { startServer, type RunningServer } from '../../main/serve/server';
import { Api, httpGet, openWs, type HttpReply } from './ws-api';

export interface UploadServerOptions extends Partial<Omit<ServiceOptions, 'transport' | 'uploadDir' | 'dataDir'>> {
  /** The renderer's index.html (default: an empty page). */
  index?: string;
}

export interface UploadServer {
  service: Service;
  server: RunningServer;
  /** Where uploads are kept (<dir>/uploads). */
  uploadDir: string;
  /** A client on the class URL (a student) and on the teacher's URL. */
  student(): Promise<Api>;
  teacher(): Promise<Api>;
  /** POST /upload in the client's session, as the page sends it (default: the class token, name x.pcap). */
  post(api: Api, body: Buffer, opts?: { name?: string; token?: string }): Promise<HttpReply>;
  /** An upload that must be taken (200): the path the client opens it by. */
  upload(api: Api, body: Buffer, name: string): Promise<string>;
  /** Disposes of the service, stops the server and removes `dir`. */
  close(): Promise<void>;
}

/** Starts the server on a random port with its files under `dir` (renderer/, uploads/, data/); the log goes nowhere unless given. */
export async function startUploadServer(dir: string, options: UploadServerOptions = {}): Promise<UploadServer> {
  const { index = '<!doctype html><title>t</title>', log = () => undefined, lessonsDir = null, ...rest } = options;
  const rootDir = join(dir, 'renderer'), uploadDir = join(dir, 'uploads');
  mkdirSync(rootDir, { recursive: true });
  writeFileSync(join(rootDir, 'index.html'), index);
  mkdirSync(uploadDir, { recursive: true });
  const service = new Service({ ...rest, transport: 'websocket', dataDir: join(dir, 'data'), lessonsDir, log, uploadDir });
  const server = await startServer({ service, rootDir, log });
  const post = async (api: Api, body: Buffer, { name = 'x.pcap', token = server.classToken } = {}) =>
    httpGet(server.port, `/upload?token=${token}&session=${await api.session()}&name=${name}`, { method: 'POST', body });
  return {
    service,
    server,
    uploadDir,
    student: async () => new Api(await openWs(server.port, `?token=${server.classToken}`)),
    teacher: async () => new Api(await openWs(server.port, `?token=${server.token}`)),
    post,
    async upload(api, body, name) {
      const r = await post(api, body, { name });
      expect(r.status, r.body.toString()).toBe(200);
      return (JSON.parse(r.body.toString()) as { path: string }).path;
    },
    async close() {
      await service.dispose();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
