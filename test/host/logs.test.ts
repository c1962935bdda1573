import * as assert from 'node:assert/strict';
import { LogBook } from '../../src/host/logs';

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
});
