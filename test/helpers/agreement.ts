/**
 * How far a compressed MediaPipe model's outputs are from the float model's, in each model's own terms: the face
 * detector's best face (score and box centre), the selfie mask (mean difference, IoU of the person region), the
 * pose landmarks (distance in input pixels).
 */

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Face detection (regressors [1, anchors, 16], classificators [1, anchors, 1]): the float model's best anchor. */
export function faceAgreement(float: readonly Float32Array[], other: readonly Float32Array[]): { scoreDelta: number; centreDeltaPx: number; score: number } {
  const [boxes = new Float32Array(0), scores = new Float32Array(0)] = float;
  const [otherBoxes = new Float32Array(0), otherScores = new Float32Array(0)] = other;
  let best = 0;
  for (let i = 0; i < scores.length; i++) if ((scores[i] ?? -Infinity) > (scores[best] ?? -Infinity)) best = i;
  const score = sigmoid(scores[best] ?? 0);
  const dx = (boxes[best * 16] ?? 0) - (otherBoxes[best * 16] ?? 0);
  const dy = (boxes[best * 16 + 1] ?? 0) - (otherBoxes[best * 16 + 1] ?? 0);
  return { score, scoreDelta: Math.abs(score - sigmoid(otherScores[best] ?? 0)), centreDeltaPx: Math.hypot(dx, dy) };
}

/** Selfie segmentation (a [1, h, w, 1] mask in [0, 1]): mean |Δ| and IoU of the pixels over 0.5. */
export function maskAgreement(float: readonly Float32Array[], other: readonly Float32Array[]): { meanDelta: number; iou: number } {
  const a = float[0] ?? new Float32Array(0);
  const b = other[0] ?? new Float32Array(0);
  let sum = 0;
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    const [pa, pb] = [(a[i] ?? 0) > 0.5, (b[i] ?? 0) > 0.5];
    if (pa && pb) both++;
    if (pa || pb) either++;
  }
  return { meanDelta: sum / Math.max(1, a.length), iou: either === 0 ? 1 : both / either };
}

/**
 * Pose landmarks (Identity [1, 39 × 5]: x, y, z, visibility logit, presence logit): the x, y distance in input pixels
 * of the 33 body points the float model sees (visibility over 0.5) — points outside the photo (the legs of a
 * portrait) are guesses that any change moves.
 */
export function poseAgreement(float: readonly Float32Array[], other: readonly Float32Array[]): { meanDeltaPx: number; maxDeltaPx: number; visible: number } {
  const a = float[0] ?? new Float32Array(0);
  const b = other[0] ?? new Float32Array(0);
  let sum = 0;
  let max = 0;
  let visible = 0;
  for (let k = 0; k < 33; k++) {
    if (sigmoid(a[k * 5 + 3] ?? -Infinity) <= 0.5) continue;
    const d = Math.hypot((a[k * 5] ?? 0) - (b[k * 5] ?? 0), (a[k * 5 + 1] ?? 0) - (b[k * 5 + 1] ?? 0));
    sum += d;
    max = Math.max(max, d);
    visible++;
  }
  return { meanDeltaPx: visible === 0 ? 0 : sum / visible, maxDeltaPx: max, visible };
}
