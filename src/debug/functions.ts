/** The standalone adapter's FunctionResolver: parse the s.yaml a configuration names and pick the function. */
import { FcboxError, findFunction, FunctionSpec, loadProject } from '../spec';

export async function resolveFromProjectFile(project: string, name: string | undefined): Promise<FunctionSpec> {
  const loaded = loadProject(project);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (loaded.functions.length === 0) {
    const reason = errors[0] ? `${errors[0].message} (line ${errors[0].range.start.line + 1})` : 'it declares no function';
    throw new FcboxError('InvalidProject', `cannot debug from ${project}: ${reason}`, errors[0]?.hint ?? 'point "project" at an s.yaml that declares the function');
  }
  if (name === undefined || name === '') {
    if (loaded.functions.length === 1) return loaded.functions[0];
    throw new FcboxError('FunctionNotFound', `${project} declares ${loaded.functions.length} functions; say which one`, `set "function" to one of: ${loaded.functions.map((f) => f.name).join(', ')}`);
  }
  const fn = findFunction([loaded], name);
  if (!fn) {
    throw new FcboxError('FunctionNotFound', `no function named ${name} in ${project}`, `set "function" to one of: ${loaded.functions.map((f) => f.name).join(', ')}`);
  }
  return fn;
}
