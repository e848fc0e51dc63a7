/**
 * What the CWL adapter does to `cwltool --pack` output before running it on the host:
 * every DockerRequirement under `requirements` (array or map form, at any depth) moves to `hints`
 * — cwltool --no-container refuses a job whose requirements name a container, and tasks here run
 * on the host — and the image names are kept for imageDetails. It also reads what each step's
 * jobs will be reported with: the tool's ResourceRequirement (coresMin/ramMin, a step's own over
 * the tool's over the enclosing workflow's; expressions and absences fall back to CWL's defaults of
 * 1 core and 256 MiB) and its image.
 */
type Json = unknown;
type Obj = Record<string, Json>;
const isObject = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface StepResources { cpus: number; memoryGiB: number; image?: string }

const DEFAULT_CORES = 1;
const DEFAULT_RAM_MIB = 256;

/** A requirements/hints value as a list of {class, …} objects, whichever form it was written in. */
function asList(value: Json): Obj[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) return Object.entries(value).map(([cls, body]) => ({ ...(isObject(body) ? body : {}), class: cls }));
  return [];
}

function findClass(process: Obj | undefined, cls: string): Obj | undefined {
  if (process === undefined) return undefined;
  return [...asList(process.requirements), ...asList(process.hints)].find((r) => r.class === cls);
}

/** Moves DockerRequirement from requirements to hints throughout the document, in place. */
export function moveDockerRequirementsToHints(doc: Json): string[] {
  const images: string[] = [];
  const visit = (node: Json) => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (!isObject(node)) return;
    const requirements = node.requirements;
    if (requirements !== undefined) {
      const list = asList(requirements);
      const docker = list.filter((r) => r.class === 'DockerRequirement');
      if (docker.length > 0) {
        node.requirements = list.filter((r) => r.class !== 'DockerRequirement');
        node.hints = [...asList(node.hints).filter((h) => h.class !== 'DockerRequirement'), ...docker];
      }
    }
    for (const key of Object.keys(node)) if (key !== 'requirements') visit(node[key]);
  };
  visit(doc);
  const collect = (node: Json) => {
    if (Array.isArray(node)) { node.forEach(collect); return; }
    if (!isObject(node)) return;
    if (node.class === 'DockerRequirement') {
      const image = node.dockerPull ?? node.dockerImageId;
      if (typeof image === 'string' && !images.includes(image)) images.push(image);
    }
    Object.values(node).forEach(collect);
  };
  collect(doc);
  return images;
}

const shortName = (id: string) => id.slice(Math.max(id.lastIndexOf('/'), id.lastIndexOf('#')) + 1);

function numeric(value: Json): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function resourcesOf(chain: (Obj | undefined)[]): StepResources {
  let cores: number | undefined;
  let ramMiB: number | undefined;
  let image: string | undefined;
  for (const process of chain) {
    const rr = findClass(process, 'ResourceRequirement');
    cores ??= numeric(rr?.coresMin) ?? numeric(rr?.coresMax);
    ramMiB ??= numeric(rr?.ramMin) ?? numeric(rr?.ramMax);
    const docker = findClass(process, 'DockerRequirement');
    const named = docker?.dockerPull ?? docker?.dockerImageId;
    if (image === undefined && typeof named === 'string') image = named;
  }
  return {
    cpus: Math.max(1, Math.ceil(cores ?? DEFAULT_CORES)),
    memoryGiB: Math.max(1, Math.ceil((ramMiB ?? DEFAULT_RAM_MIB) / 1024)),
    ...(image === undefined ? {} : { image }),
  };
}

export interface PackedWorkflow {
  /** The main process of the packed document. */
  main: Obj;
  /** Resources by the step short name (cwltool names a step's jobs after it). */
  steps: Map<string, StepResources>;
  /** For a main that is a single tool: the resources of its one job. */
  mainResources: StepResources;
}

export function describePacked(doc: Json): PackedWorkflow {
  const graph = isObject(doc) && Array.isArray(doc.$graph) ? doc.$graph.filter(isObject) : isObject(doc) ? [doc] : [];
  const byId = new Map<string, Obj>();
  for (const process of graph) if (typeof process.id === 'string') byId.set(process.id, process);
  const main = graph.find((p) => typeof p.id === 'string' && shortName(p.id) === 'main') ?? graph[0] ?? {};
  const steps = new Map<string, StepResources>();
  const visitWorkflow = (workflow: Obj, outer: (Obj | undefined)[]) => {
    const stepList: Obj[] = Array.isArray(workflow.steps) ? workflow.steps.filter(isObject)
      : isObject(workflow.steps) ? Object.entries(workflow.steps).map(([id, s]): Obj => ({ ...(isObject(s) ? s : {}), id })) : [];
    for (const step of stepList) {
      const run = typeof step.run === 'string' ? byId.get(step.run) ?? byId.get(`#${shortName(step.run)}`) : isObject(step.run) ? step.run : undefined;
      const chain = [step, run, workflow, ...outer];
      if (typeof step.id === 'string') steps.set(shortName(step.id), resourcesOf(chain));
      if (run?.class === 'Workflow') visitWorkflow(run, [step, workflow, ...outer]);
    }
  };
  if (main.class === 'Workflow') visitWorkflow(main, []);
  return { main, steps, mainResources: resourcesOf([main]) };
}

/** The resources of a job by its cwltool name: the step's, with a scatter suffix (_2, _3…) removed. */
export function jobResources(packed: PackedWorkflow, jobName: string): StepResources {
  return packed.steps.get(jobName) ?? packed.steps.get(jobName.replace(/_\d+$/, '')) ?? packed.mainResources;
}

/** 'File' or 'Directory' when a CWL type (possibly optional, an array, or a union) holds paths. */
function pathClass(type: Json): 'File' | 'Directory' | undefined {
  if (typeof type === 'string') {
    const base = type.replace(/\?$/, '').replace(/(\[\])+$/, '');
    return base === 'File' || base === 'Directory' ? base : undefined;
  }
  if (Array.isArray(type)) for (const member of type) { const c = pathClass(member); if (c !== undefined) return c; }
  if (isObject(type) && type.type === 'array') return pathClass(type.items);
  return undefined;
}

/** The cwltool job object for run parameters: a File/Directory input given as a staged path becomes {class, path}. */
export function cwlJob(packed: PackedWorkflow, inputs: Record<string, unknown>): Record<string, unknown> {
  const declared = new Map<string, Json>();
  const list = Array.isArray(packed.main.inputs) ? packed.main.inputs.filter(isObject)
    : isObject(packed.main.inputs) ? Object.entries(packed.main.inputs).map(([id, v]) => (isObject(v) ? { ...v, id } : { id, type: v })) : [];
  for (const input of list) if (typeof input.id === 'string') declared.set(shortName(input.id), input.type);
  const job: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inputs)) {
    const cls = pathClass(declared.get(name));
    const toPath = (v: unknown): unknown => (typeof v === 'string' ? { class: cls, path: v } : Array.isArray(v) ? v.map(toPath) : v);
    job[name] = cls === undefined ? value : toPath(value);
  }
  return job;
}
