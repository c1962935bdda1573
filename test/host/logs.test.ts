import * as assert from 'node:assert/strict';
import { formatLogLine, LogBook, lineSplitter } from '../../src/host/logs';

describe('host/LogBook', () => {
  it('a line read while a request is in flight but before its Start marker is not that request’s', () => {
    const book = new LogBook(() => undefined);
    book.begin('r1');
    // Printed before the server was ready, still in the pipe when the first request went out.
    book.add('stdout', 'listening on 9000');
    book.add('stdout', 'FC Invoke Start RequestId: r1');
    book.add('stdout', 'handling');
    book.add('stdout', 'FC Invoke End RequestId: r1');
    book.end('r1');
    assert.deepEqual(book.linesFor('r1').map((l) => l.text), ['FC Invoke Start RequestId: r1', 'handling', 'FC Invoke End RequestId: r1']);
    assert.equal(book.all()[0].requestId, undefined);
  });

  it('a server without markers: lines go to the only request in flight', () => {
    const book = new LogBook(() => undefined);
    book.begin('r1');
    book.add('stdout', 'handling');
    book.end('r1');
    book.add('stdout', 'idle');
    assert.deepEqual(book.linesFor('r1').map((l) => l.text), ['handling']);
  });

  it('a UTF-8 character split across two chunks is decoded whole, not as U+FFFD', () => {
    const lines: string[] = [];
    const split = lineSplitter((t) => lines.push(t));
    const bytes = Buffer.from('函数启动完成\n日志');
    // '函' is 3 bytes: cut inside it, and inside the last character too.
    split(bytes.subarray(0, 1));
    split(bytes.subarray(1, 8));
    split(bytes.subarray(8, bytes.length - 1));
    split(bytes.subarray(bytes.length - 1));
    split(null);
    assert.deepEqual(lines, ['函数启动完成', '日志']);
  });

  it('system lines count towards the retention limit like output lines', () => {
    const book = new LogBook(() => undefined);
    for (let i = 0; i < 5100; i++) book.system(`note ${i}`);
    book.add('stdout', 'last');
    const all = book.all();
    assert.equal(all.length, 5000);
    assert.equal(all[0].text, 'note 101');
    assert.equal(all[all.length - 1].text, 'last');
  });

  it('a marker that trails the response still carries its request id, so the lines can be read afterwards', async () => {
    const book = new LogBook(() => undefined);
    book.begin('r1');
    await book.settle('r1');
    book.end('r1');
    book.add('stdout', 'FC Invoke Start RequestId: r1');
    book.add('stdout', 'FC Invoke End RequestId: r1');
    assert.equal(book.linesFor('r1').length, 2);
  });

  it('formatLogLine: local time, stream tag (as the fcbox-log grammar expects), source, request, level', () => {
    const time = new Date(2024, 0, 2, 3, 4, 5, 6).getTime();
    assert.equal(formatLogLine({ time, stream: 'stdout', text: 'hi', requestId: '1234567890' }, 'fn'), '03:04:05.006 [out] fn [12345678] hi');
    assert.equal(formatLogLine({ time, stream: 'stderr', text: 'oops' }), '03:04:05.006 [err] oops');
    assert.equal(formatLogLine({ time, stream: 'system', text: 'bad', level: 'warning' }), '03:04:05.006 [fcbox] warning: bad');
    assert.equal(formatLogLine({ time, stream: 'system', text: 'started', level: 'info' }), '03:04:05.006 [fcbox] started');
  });
});
