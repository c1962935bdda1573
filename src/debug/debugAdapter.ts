/** Entry point of dist/debugAdapter.js: the adapter over stdin/stdout, resolving functions from s.yaml files. */
import { runStandalone } from './adapter';
import { resolveFromProjectFile } from './functions';

runStandalone(resolveFromProjectFile);
