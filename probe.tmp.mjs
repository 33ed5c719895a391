import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
for (const f of ['.cache/models/human-rvm/rvm.json', '.cache/models/human-handtrack/handtrack.json', '.cache/models/human-movenet-lightning/movenet-lightning.json','.cache/models/human-gender/gender.json']) {
  const j = JSON.parse(readFileSync(f, 'utf8'));
  const bufs = j.weightsManifest.flatMap(g => g.paths.map(p => readFileSync(join(dirname(f), p))));
  const wd = Buffer.concat(bufs); 
  const art = { modelTopology: j.modelTopology, weightSpecs: j.weightsManifest.flatMap(g=>g.weights), weightData: wd.buffer.slice(wd.byteOffset, wd.byteOffset+wd.byteLength), format: j.format, generatedBy: j.generatedBy, convertedBy: j.convertedBy, signature: j.signature, userDefinedMetadata: j.userDefinedMetadata };
  const m = await tf.loadGraphModel(tf.io.fromMemory(art));
  console.log(f, JSON.stringify(m.inputs), m.inputNodes, m.outputNodes, JSON.stringify(m.outputs).slice(0,300));
}
