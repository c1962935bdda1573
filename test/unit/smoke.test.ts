import { strict as assert } from 'assert';
import { FcboxError } from '../../src/spec/errors';
describe('smoke', () => { it('works', () => { assert.equal(new FcboxError('X', 'y').code, 'X'); }); });
