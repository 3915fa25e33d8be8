import type { LinkState } from '../../config/link';
import { DEFAULT_DIST_VIEW, type LabState } from '../../store/labStore';
import { sweepSetup } from '../../views/sweep/sweepSetup';

/**
 * The link of what is on screen: the configuration, the step (the replay's target while a link is being
 * replayed), the backend that ran it, the view and the lesson step being followed. The default layer and the
 * default smoothing are left out.
 */
export function linkStateOf(s: LabState): LinkState {
  const replaying = s.replay !== null && s.replay.runId === s.run.runId;
  const step = replaying ? Math.max(s.replay!.target, s.run.step) : s.run.step;
  const backend = s.run.backend?.name ?? s.link.backend ?? undefined;
  const v = s.view;
  const sweep = sweepSetup.getState().spec;
  return {
    config: s.config,
    ...(step > 0 ? { to: step } : {}),
    ...(backend ? { backend } : {}),
    view: {
      ...(v.layer !== s.config.model.depth - 1 ? { layer: v.layer } : {}),
      ...(v.unit !== null ? { unit: v.unit } : {}),
      ...(v.distScope !== DEFAULT_DIST_VIEW.distScope ? { distScope: v.distScope } : {}),
      ...(v.distMode !== DEFAULT_DIST_VIEW.distMode ? { distMode: v.distMode } : {}),
      theme: v.theme,
      ...(v.logLoss ? { logLoss: true } : {}),
      ...(v.smoothing ? { smoothing: v.smoothing } : {}),
      ...(v.xAxis === 'seconds' ? { xAxis: v.xAxis } : {}),
      ...(v.views ? { views: v.views } : {}),
      ...(v.projector ? { projector: true } : {}),
      ...(v.embed ? { embed: true } : {}),
      // The sweep view's sweep, while that view is open: what its Run sweep button will train.
      ...(sweep && v.views?.includes('sweep') ? { sweep } : {}),
    },
    ...(s.lesson ? { lesson: { name: s.lesson.name, step: s.lesson.step } } : {}),
  };
}
