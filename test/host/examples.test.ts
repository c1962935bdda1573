import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Gateway } from '../../src/host/gateway';
import { Instance } from '../../src/host/instance';
import { freePort } from '../../src/host/backend';
import { loadProject } from '../../src/spec';
import { FunctionSpec } from '../../src/spec/model';
import { buildImage } from '../support/images';

const EXAMPLES = path.resolve(__dirname, '../../examples');

/** The example's only function, on a free port so it cannot clash with anything else listening on 9000. */
async function example(dir: string, file = 's.yaml'): Promise<FunctionSpec> {
  const project = loadProject(path.join(EXAMPLES, dir, file));
  assert.deepEqual(project.diagnostics.filter((d) => d.severity === 'error'), []);
  const [fn] = project.functions;
  return fn.codeDir ? { ...fn, port: await freePort() } : fn;
}

/** The example's Dockerfile built FROM the local node image (no registry here). */
function exampleImage(dir: string): string {
  const dockerfile = fs.readFileSync(path.join(EXAMPLES, dir, 'Dockerfile'), 'utf8').replace(/^FROM .*$/m, 'FROM {{base}}');
  return buildImage(`example-${dir}`, path.join(EXAMPLES, dir), dockerfile);
}

describe('examples/ run as documented', function () {
  this.timeout(60_000);
  const started: Instance[] = [];
  const run = (fn: FunctionSpec) => {
    const i = new Instance(fn, { backend: 'auto' });
    started.push(i);
    return i;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((i) => i.stop()));
  });

  it('bootstraps are executable, as git must keep them', () => {
    for (const dir of ['node-custom-runtime', 'python-custom-runtime']) {
      assert.ok(fs.statSync(path.join(EXAMPLES, dir, 'code/bootstrap')).mode & 0o111, dir);
    }
  });

  it('node-custom-runtime: initializer, invoke with markers, pre-stop', async () => {
    const inst = run(await example('node-custom-runtime'));
    const r = await inst.invoke({ body: Buffer.from('{"name":"fcbox"}') });
    assert.equal(r.body.toString(), '{"message":"hello, fcbox"}');
    assert.equal(r.logs.length, 2);
    await inst.stop();
    assert.ok(inst.logs().some((l) => /^pre-stop /.test(l.text)));
    assert.ok(!inst.logs().some((l) => l.level === 'warning'));
  });

  it('python-custom-runtime: stdlib server answers /invoke', async () => {
    const r = await run(await example('python-custom-runtime')).invoke({ body: Buffer.from('{"name":"py"}') });
    assert.deepEqual(JSON.parse(r.body.toString()), { message: 'hello, py' });
  });

  it('http-function: the same route on the system path and with x-fc-invocation-target', async () => {
    const inst = run(await example('http-function'));
    const gateway = new Gateway([inst], { port: 0, functionPorts: false });
    await gateway.listen();
    try {
      assert.equal(await (await fetch(`${gateway.url}/2016-08-15/proxy/default/http-hello/greet?name=a`)).text(), 'hello, a\n');
      assert.equal(await (await fetch(`${gateway.url}/greet?name=b`, { headers: { 'x-fc-invocation-target': '2016-08-15/proxy/default/http-hello' } })).text(), 'hello, b\n');
    } finally {
      await gateway.close();
    }
  });

  it('custom-container and scf-web images run with the docker backend', async () => {
    const container = await example('custom-container');
    const c = await run({ ...container, image: exampleImage('custom-container') }).invoke({ body: Buffer.from('{"name":"box"}') });
    assert.deepEqual(JSON.parse(c.body.toString()), { message: 'hello from a container, box' });
    const scf = await example('scf-web', 'serverless.yml');
    const s = await run({ ...scf, image: exampleImage('scf-web') }).invoke({ method: 'GET', path: '/hi' });
    assert.deepEqual(JSON.parse(s.body.toString()), { message: 'hello from SCF', function: 'scf-hello', path: '/hi' });
  });
});
