/** FunctionSpec objects for host tests, built directly (the s.yaml parser has its own tests). */
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { FunctionSpec } from '../../src/spec/model';
import { freePort } from '../../src/host/backend';

export const HOST_FIXTURES = path.resolve(__dirname, '../fixtures/host');

let counter = 0;

/** A custom-runtime function running test/fixtures/host/server.js on a free port. */
export async function fixtureFunction(overrides: Partial<FunctionSpec> = {}): Promise<FunctionSpec> {
  const name = overrides.name ?? `fn${++counter}-${randomBytes(3).toString('hex')}`;
  return {
    id: `${HOST_FIXTURES}/s.yaml#test/${name}`,
    platform: 'fc',
    edition: '3.0.0',
    projectFile: path.join(HOST_FIXTURES, 's.yaml'),
    resourceKey: 'test',
    name,
    runtime: 'custom.debian10',
    kind: 'event',
    codeDir: HOST_FIXTURES,
    port: await freePort(),
    timeout: 10,
    memorySize: 128,
    instanceConcurrency: 1,
    environment: {},
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    ...overrides,
  };
}

export function json(buf: Buffer): Record<string, unknown> {
  return JSON.parse(buf.toString()) as Record<string, unknown>;
}
