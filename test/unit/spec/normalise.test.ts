import { strict as assert } from 'assert';
import * as path from 'node:path';
import { findProjectFiles, findFunction, loadProject, loadProjects } from '../../../src/spec';
import { FIXTURES, load, scratch } from './helpers';

const fixture = (rel: string) => loadProject(path.join(FIXTURES, rel), { env: { FCBOX_TEST_STAGE: 'dev' } });

describe('spec/discover', () => {
  it('finds s.yaml, s.yml, s-<env>.yaml, s.<env>.yaml and SCF serverless.yml, skipping dependencies', () => {
    const dir = scratch({
      's.yaml': '',
      'a/s.yml': '',
      'b/s-prod.yaml': '',
      'b/s.dev.yaml': '',
      'c/serverless.yml': 'app: x\ncomponent: scf\n',
      'd/serverless.yml': 'service: aws-thing\nprovider: aws\n',
      'node_modules/p/s.yaml': '',
      '.git/s.yaml': '',
      'dist/s.yaml': '',
      'e/template.yaml': '',
    });
    assert.deepEqual(
      findProjectFiles(dir).map((f) => path.relative(dir, f)),
      ['a/s.yml', 'b/s-prod.yaml', 'b/s.dev.yaml', 'c/serverless.yml', 's.yaml'],
    );
  });
});

describe('spec/normalise', () => {
  it('reads edition 3.0.0 with template/extend, vars, lifecycle hooks and an http trigger', () => {
    const p = fixture('fc3-custom/s.yaml');
    assert.equal(p.edition, '3.0.0');
    assert.deepEqual(p.diagnostics, []);
    // fc3-domain is another component, not a function.
    assert.deepEqual(p.functions.map((f) => f.resourceKey), ['api', 'worker']);
    const api = p.functions[0];
    assert.deepEqual(
      { ...api, range: undefined, id: undefined, projectFile: undefined },
      {
        platform: 'fc',
        edition: '3.0.0',
        resourceKey: 'api',
        name: 'api-cn-hangzhou',
        runtime: 'custom.debian10',
        kind: 'http',
        httpTrigger: { name: 'web', methods: ['GET', 'POST'], authType: 'function' },
        region: 'cn-hangzhou',
        codeDir: path.join(FIXTURES, 'fc3-custom/code'),
        command: ['node'],
        args: ['server.js'],
        port: 8080,
        timeout: 30,
        memorySize: 1024,
        instanceConcurrency: 10,
        environment: { LOG_LEVEL: 'debug' },
        initializer: { handler: 'init', timeout: 10 },
        preStop: { handler: 'stop', timeout: 5 },
        range: undefined,
        id: undefined,
        projectFile: undefined,
      },
    );
    assert.equal(api.id, `${path.join(FIXTURES, 'fc3-custom/s.yaml')}#api/api-cn-hangzhou`);
    assert.deepEqual(api.range.start, { line: 18, character: 4 });
    const worker = p.functions[1];
    assert.deepEqual([worker.command, worker.port, worker.timeout, worker.memorySize, worker.kind], [['/code/bootstrap'], 9000, 3, 512, 'event']);
  });

  it('reads edition 1.0.0 with a service from vars, flow-map customRuntimeConfig and lifecycle, caPort', () => {
    const p = fixture('fc2-lifecycle/s.yaml');
    assert.deepEqual(p.diagnostics, []);
    const [f] = p.functions;
    assert.equal(f.service, 'web-service');
    assert.deepEqual([f.name, f.runtime, f.kind, f.port, f.timeout, f.memorySize], ['flask', 'custom', 'http', 9001, 60, 256]);
    assert.deepEqual([f.command, f.args], [['python3'], ['app.py']]);
    assert.deepEqual(f.initializer, { handler: 'true', timeout: 20 });
    assert.deepEqual(f.preFreeze, { handler: 'true', timeout: 7 });
    assert.deepEqual(f.preStop, { handler: 'true', timeout: 3 });
    assert.deepEqual(f.environment, { FLAG: 'true', COUNT: '3' });
    assert.deepEqual(f.range.start, { line: 17, character: 8 });
  });

  it('turns edition 1.0.0 container command/args JSON strings into arrays', () => {
    const [f] = fixture('container-v1/s.yaml').functions;
    assert.deepEqual([f.runtime, f.image, f.command, f.args, f.port], [
      'custom-container',
      'registry.cn-hangzhou.aliyuncs.com/fcbox/box:1',
      ['node'],
      ['server.js', '--port', '8080'],
      8080,
    ]);
  });

  it('maps 3.0.0 customContainerConfig entrypoint/command to command/args', () => {
    const p = load(`edition: 3.0.0
resources:
  c:
    component: fc3
    props: { region: cn-hangzhou, functionName: c, runtime: custom-container, customContainerConfig: { image: 'img:1', entrypoint: [node], command: [/app/server.js], port: 9001 } }
`);
    const [f] = p.functions;
    assert.deepEqual([f.image, f.command, f.args, f.port], ['img:1', ['node'], ['/app/server.js'], 9001]);
  });

  it('reads SCF serverless.yml: web type is http, image command/args strings are split, port is 9000', () => {
    const p = fixture('scf-web/serverless.yml');
    assert.deepEqual(p.diagnostics, []);
    const [f] = p.functions;
    assert.deepEqual(
      [f.platform, f.edition, f.runtime, f.kind, f.port, f.name, f.image, f.command, f.args, f.memorySize, f.timeout],
      ['scf', 'scf', 'web-image', 'http', 9000, 'web-demo-fn', 'ccr.ccs.tencentyun.com/demo/web:latest', ['node'], ['server.js', '--port', '9000'], 256, 3],
    );
    assert.deepEqual(f.environment, { STAGE: 'dev' });
  });

  it('treats SCF event type as event and defaults the name to the instance name', () => {
    const p = loadProject('/x/serverless.yml', { text: 'component: scf\nname: ev\ninputs:\n  type: event\n  image:\n    imageUrl: img\n', env: {} });
    assert.deepEqual([p.functions[0].kind, p.functions[0].runtime, p.functions[0].name], ['event', 'event-image', 'ev']);
  });

  it('warns on files that are not projects and returns no functions', () => {
    const p = load('just: yaml\n');
    assert.deepEqual([p.edition, p.functions, p.diagnostics.map((d) => d.code)], [undefined, [], ['unknown-edition']]);
  });

  it('loads a directory and finds functions by name, service/name, resource key or id', () => {
    const projects = loadProjects(FIXTURES, { env: {} });
    assert.equal(projects.length, 4);
    assert.equal(findFunction(projects, 'flask')?.resourceKey, 'web');
    assert.equal(findFunction(projects, 'web-service/flask')?.name, 'flask');
    assert.equal(findFunction(projects, 'box')?.name, 'box');
    assert.equal(findFunction(projects, 'worker')?.name, 'api-cn-hangzhou-worker');
    const id = projects[0].functions[0].id;
    assert.equal(findFunction(projects, id)?.id, id);
    assert.equal(findFunction(projects, 'nope'), undefined);
    assert.throws(() => loadProjects(path.join(FIXTURES, 'missing')), /no such file or directory/);
  });
});
