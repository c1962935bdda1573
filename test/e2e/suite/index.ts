// The e2e suites, in the order they run: activation first, then read-only features, then running instances.
import './activation.test';
import './functionsTree.test';
import './codeLens.test';
import './diagnostics.test';
import './completion.test';
import './hover.test';
import './invoke.test';
import './examples.test';
import './instances.test';
import './httpPrompts.test';
import './debug.test';
// Last: it adds a project to the workspace.
import './starter.test';

import { snapshot } from './helpers';

// A picture of the workbench at the moment a test failed says more than most stack traces.
afterEach(async function () {
  if (this.currentTest?.state === 'failed') await snapshot(`failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}`);
});
