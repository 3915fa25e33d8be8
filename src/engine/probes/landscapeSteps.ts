/**
 * Step sizes along the gradient as multiples of the arm's learning rate. Santurkar et al. (2018, Figure 4) move
 * along the gradient by a range of step sizes around the one training takes; here from half the learning rate to
 * four times it, so that the range covers the step SGD takes (k = 1) and the larger ones batch norm is said to allow.
 * In a module of its own (no tfjs) so that the page's views can say what is measured without loading the engine.
 */
export const LANDSCAPE_MULTIPLIERS: readonly number[] = [0.5, 1, 2, 3, 4];
