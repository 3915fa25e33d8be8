/**
 * The batch-norm engine: pure TypeScript and TensorFlow.js, no React, no DOM, no worker. The same code runs in
 * the page's Web Worker, on the main thread, in Node (the experiment CLI) and in the tests.
 */
export { batchNorm, batchNormInference, batchMoments, updateRunningStats, kerasMomentum } from './norm/batch';
export { layerNorm } from './norm/layer';
export { groupNorm, groupNormLayout, groupMoments } from './norm/group';
export type { GroupNormOptions, GroupNormLayout } from './norm/group';
export { standardize, standardizeBackward } from './norm/standardize';
export { LockstepTrainer } from './trainer';
export type { TrainerInfo } from './trainer';
export { buildArchitecture, paramLayout, forward, crossEntropy } from './model';
export type { Architecture, HiddenLayerSpec, ArmSpec, ParamInfo } from './model';
export { foldBatchNorm, foldedAffine, foldedUnit, foldRefusal, foldTarget, type FoldTarget, type FoldedNetwork, type FoldedUnit, type ArmArrays, type RunningArrays } from './fold';
export { chooseBackend, trySetBackend, hasWebGL2 } from './backend';
export type { BackendName, BackendChoice } from './backend';
export { PERCENTILES } from './probes/distribution';
export type { ProbeSnapshot, ArmProbe, LayerProbe, DistributionSummary, LossLandscape } from './probes/types';
export { measureLandscape, LANDSCAPE_MULTIPLIERS } from './probes/landscape';
export { createRng } from './random';
export type { Dataset } from './data/types';
export { loadDataset } from './data/load';
export { tf } from './tf';
