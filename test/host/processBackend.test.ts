import * as assert from 'node:assert/strict';
import { ProcessBackend } from '../../src/host/processBackend';
import { buildRunSpec } from '../../src/host/runSpec';
import { fixtureFunction } from '../support/functions';

describe('host/ProcessBackend', () => {
  it('a spawn that throws at once does not keep the port claimed for that function', async () => {
    const a = await fixtureFunction();
    const b = await fixtureFunction({ port: a.port });
    const broken = { ...buildRunSpec(a, { backend: 'process', instanceId: 'a' }), argv: ['/bin/true\0oops'] };
    await assert.rejects(new ProcessBackend().start(broken, { output: () => undefined, progress: () => undefined }), /null bytes/);
    const spec = buildRunSpec(b, { backend: 'process', instanceId: 'b' });
    const server = await new ProcessBackend().start(spec, { output: () => undefined, progress: () => undefined });
    await server.stop();
  });
});
