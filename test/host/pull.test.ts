import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { DockerBackend } from '../../src/host/dockerBackend';
import { Instance } from '../../src/host/instance';
import { LogLine } from '../../src/host/types';
import { FcboxError } from '../../src/spec/errors';
import { FunctionSpec } from '../../src/spec/model';
import { fixtureFunction, HOST_FIXTURES, json } from '../support/functions';
import { fcboxContainers } from '../support/images';
import { publishFixture, Registry, removeImages, SlowLink, slowLink, startRegistry } from '../support/registry';

/** The unique layer of the pulled image, and how fast the link delivers it: a pull of about 3 s. */
const PAYLOAD_BYTES = 3_000_000;
const LINK_BYTES_PER_SECOND = 1_000_000;

/**
 * Image pulls from a real registry (Debian's docker-registry) on 127.0.0.1, through a slow link so progress has
 * time to show. Never skipped: CI installs docker-registry and runs dockerd.
 */
describe('host/docker backend: pulling the image from a registry', function () {
  this.timeout(60_000);
  let registry: Registry;
  let link: SlowLink;
  /** Engine events the pulls delivered to the backend, counted where dockerode hands them over. */
  let events = 0;
  const docker = new Docker();
  const follow = docker.modem.followProgress.bind(docker.modem);
  docker.modem.followProgress = (stream, onFinished, onProgress) =>
    follow(stream, onFinished, (ev: unknown) => {
      events++;
      onProgress?.(ev);
    });
  const run = (fn: FunctionSpec) => new Instance(fn, { backend: 'docker', startupTimeoutMs: 20_000 }, () => new DockerBackend(docker));
  const container = (image: string) => fixtureFunction({ runtime: 'custom-container', codeDir: undefined, image, port: 9000 });
  const suffix = randomBytes(4).toString('hex');
  const tags = { ok: `ok-${suffix}`, broken: `broken-${suffix}`, stopped: `stopped-${suffix}` };
  /** The same repository reached through the slow link, as a function's `image` names it. */
  const viaLink = (tag: string) => `${link.host}/fcbox-test/pull:${tag}`;
  const pulledRefs: string[] = [];

  before(async () => {
    registry = await startRegistry();
    link = await slowLink(registry.port, LINK_BYTES_PER_SECOND);
    publishFixture(registry.host, tags.ok, PAYLOAD_BYTES);
    publishFixture(registry.host, tags.stopped, PAYLOAD_BYTES);
    // A registry that lost a layer: the manifest is served, the layer's blob answers "unknown blob" mid-pull.
    publishFixture(registry.host, tags.broken, 100_000);
    const { layers } = await registry.manifest('fcbox-test/pull', tags.broken);
    fs.rmSync(registry.blobPath(layers[layers.length - 1].digest));
    pulledRefs.push(...Object.values(tags).map(viaLink), `${registry.host}/fcbox-test/pull:no-such-tag`);
  });

  after(async () => {
    removeImages(pulledRefs);
    await link?.close();
    await registry?.stop();
    assert.deepEqual(fcboxContainers(HOST_FIXTURES), [], 'no container left behind');
  });

  it('pulls a missing image with aggregate progress at most once a second, then serves; stop leaves no container', async () => {
    const ref = viaLink(tags.ok);
    const fn = await container(ref);
    const inst = run(fn);
    const [, unique] = (await registry.manifest('fcbox-test/pull', tags.ok)).layers;
    const before = events;
    try {
      await inst.start();
      const r = await inst.invoke({ body: Buffer.from('{}') });
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal((json(r.body) as { url: string }).url, '/invoke');
    } finally {
      await inst.stop();
    }
    assert.deepEqual(fcboxContainers(fn.id), [], 'stop removes the container');
    await docker.getImage(ref).inspect();

    const system = inst.logs().filter((l) => l.stream === 'system');
    const text = system.map((l) => l.text);
    assert.ok(text.includes(`pulling image ${ref}`), text.join('\n'));
    const progress = system.filter((l) => l.text.startsWith(`pulling image ${ref}: `));
    // 3 MB at 1 MB/s: a report when the first bytes arrive, then one a second.
    assert.ok(progress.length >= 2, text.join('\n'));
    const pulledEvents = events - before;
    assert.ok(pulledEvents >= 3 * progress.length, `${pulledEvents} engine events, ${progress.length} lines: not one line per event`);
    let downloaded = 0;
    progress.forEach((line: LogLine, i) => {
      const m = /: (\d) of 2 layers done(?:, 1 extracting)?, ([\d.]+) (kB|MB) of (?:at least )?([\d.]+) MB downloaded$/.exec(line.text);
      assert.ok(m, line.text);
      assert.ok(Number(m[1]) >= 1, `the base layer is already present: ${line.text}`);
      const now = Number(m[2]) * (m[3] === 'MB' ? 1e6 : 1e3);
      assert.ok(now >= downloaded, `downloaded bytes only grow: ${line.text}`);
      downloaded = now;
      assert.ok(Math.abs(Number(m[4]) * 1e6 - unique.size) <= 0.05e6, `the total is the layer's size (${unique.size}): ${line.text}`);
      if (i > 0) assert.ok(line.time - progress[i - 1].time >= 990, `rate-limited: ${progress[i - 1].text} / ${line.text}`);
    });
    const done = text.find((t) => t.startsWith(`pulled image ${ref}: `));
    assert.match(done ?? '', /: 2 layers \(1 already present\), \d+\.\d MB downloaded in \d+\.\d s$/, text.join('\n'));
    assert.ok(text.indexOf(done as string) < text.findIndex((t) => t.startsWith('started ')), 'pulled before the container starts');
  });

  it('a tag the registry does not have: ImagePullFailed in one line with the image, the reason and the fix', async () => {
    const ref = `${registry.host}/fcbox-test/pull:no-such-tag`;
    const fn = await container(ref);
    const e = await run(fn)
      .start()
      .catch((err: unknown) => err);
    assert.ok(e instanceof FcboxError, String(e));
    assert.equal(e.code, 'ImagePullFailed');
    assert.equal(e.message, `cannot pull image ${ref}: the registry has no such image or tag`);
    assert.match(e.hint ?? '', new RegExp(`push the image to ${registry.host}.*docker build -t ${ref.replace(/[.]/g, '\\.')} \\.`));
    assert.match(e.details ?? '', /^the Docker engine said: manifest for .* not found: manifest unknown/);
    for (const part of [e.message, e.hint, e.details]) assert.doesNotMatch(part ?? '', /\n|\bat .*:\d+:\d+|HTTP code/, 'one line each, no stack trace');
    // The invoke path reports the same error as a result.
    const r = await run(fn).invoke({ body: Buffer.from('{}') });
    assert.equal(r.error?.code, 'ImagePullFailed');
    assert.deepEqual(fcboxContainers(fn.id), []);
  });

  it('a registry failing part way (a layer blob gone): ImagePullFailed, never "pulled"', async () => {
    const ref = viaLink(tags.broken);
    const fn = await container(ref);
    const inst = run(fn);
    const e = await inst.start().catch((err: unknown) => err);
    assert.ok(e instanceof FcboxError, String(e));
    assert.equal(e.code, 'ImagePullFailed');
    assert.equal(e.message, `cannot pull image ${ref}: the registry is missing a layer of the image`);
    assert.match(e.hint ?? '', /docker push/);
    assert.match(e.details ?? '', /unknown blob/);
    assert.ok(!inst.logs().some((l) => l.text.startsWith('pulled image')), 'a failed pull is not reported as pulled');
    assert.deepEqual(fcboxContainers(fn.id), []);
  });

  it('stop() during the pull gives up at once and leaves no container', async () => {
    const ref = viaLink(tags.stopped);
    const fn = await container(ref);
    const inst = run(fn);
    const pulling = new Promise<void>((resolve) => inst.on('log', (l) => l.text.startsWith(`pulling image ${ref}: `) && resolve()));
    const started = inst.start().catch((err: unknown) => err);
    await pulling;
    const t0 = Date.now();
    await inst.stop();
    const e = await started;
    assert.ok(Date.now() - t0 < 2000, `stop took ${Date.now() - t0} ms`);
    assert.equal((e as FcboxError)?.code, 'InstanceStopped');
    assert.deepEqual(fcboxContainers(fn.id), []);
  });
});
