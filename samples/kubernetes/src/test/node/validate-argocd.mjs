// Validates Argo CD objects against @kubernetes-models/argo-cd, whose validators are generated
// from Argo CD's own CRDs (see package.json). Input on stdin: a JSON array of objects. Output: one
// line per object, "OK <kind>/<name>" or "INVALID <kind>/<name>: <errors>". Exit 0 when all are
// valid, 1 when any is invalid, 2 on unusable input.
import { Application } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application";
import { AppProject } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/AppProject";
import { ApplicationSet } from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1/ApplicationSet";

const models = { Application, AppProject, ApplicationSet };

let input = "";
for await (const chunk of process.stdin) input += chunk;
let objects;
try {
  objects = JSON.parse(input);
  if (!Array.isArray(objects)) throw new Error("expected a JSON array");
} catch (e) {
  console.log(`UNUSABLE input: ${e.message}`);
  process.exit(2);
}

let invalid = 0;
for (const obj of objects) {
  const id = `${obj?.kind}/${obj?.metadata?.name}`;
  const Model = obj?.apiVersion === "argoproj.io/v1alpha1" ? models[obj.kind] : undefined;
  if (!Model) {
    console.log(`INVALID ${id}: not an Argo CD argoproj.io/v1alpha1 kind this validator knows`);
    invalid++;
    continue;
  }
  try {
    new Model(obj).validate();
    console.log(`OK ${id}`);
  } catch (e) {
    console.log(`INVALID ${id}: ${String(e.message ?? e).replace(/\s+/g, " ")}`);
    invalid++;
  }
}
process.exit(invalid === 0 ? 0 : 1);
