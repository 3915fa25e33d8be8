import { describe, expect, it } from 'vitest';
import { historyOf } from '../common/historyFixture';
import { icsCaption, icsMeans } from './icsCaption';

const steps = [0, 25, 50, 75];
/** Two hidden layers; the second's ‖G − G′‖₂ per probe given, the first's zero (G′ = G there). */
const arm = (name: string, l2: number[], cos = [0.99, 0.98, 0.97, 0.98], gradNorm = [1, 1, 1, 1], divergedAt: number | null = null) => ({
  name,
  steps,
  testAccuracy: steps.map(() => 0.5),
  divergedAt,
  layers: [{ l2: [0, 0, 0, 0], cos: [1, 1, 1, 1], gradNorm }, { l2, cos, gradNorm }],
});

describe('icsCaption', () => {
  it('says, with the numbers, when the BN arm has the larger ‖G − G′‖ — and that this is Santurkar et al.’s point', () => {
    const h = historyOf(arm('plain', [0.01, 0.02, 0.01, 0.02]), arm('BN', [0.03, 0.05, 0.04, 0.04], [0.97, 0.96, 0.95, 0.96]));
    const c = icsCaption(h, 1);
    expect(c).toContain("Here BN's ‖G − G′‖ averages 0.0400 at layer 2, larger than plain's 0.0150 (cos 0.960 vs 0.980)");
    expect(c).toContain('Santurkar et al. (2018)');
    expect(c).toContain('as they found, batch norm does not reduce this shift');
    expect(c).toContain('smoother loss landscape');
    // No sentence that calls a large ‖G − G′‖ bad, or says BN reduced it.
    expect(c).not.toMatch(/moving target|reduces this shift/);
  });

  it('says so when batch norm does reduce it in this run, and what the paper found', () => {
    const h = historyOf(arm('plain', [0.2, 0.15, 0.17, 0.14]), arm('BN', [0.1, 0.1, 0.1, 0.1]));
    const c = icsCaption(h, 1);
    expect(c).toContain('smaller than plain');
    expect(c).toContain('in this run batch norm reduces this shift; they found batch norm often does not');
  });

  it('cites the paper for batch norm only: layer norm is compared with it, not attributed to it', () => {
    const h = historyOf(arm('plain', [0.01, 0.02, 0.01, 0.02]), arm('LN', [0.03, 0.05, 0.04, 0.04]));
    expect(icsCaption(h, 1)).toContain('layer norm does not reduce this shift here; Santurkar et al. found the same of batch norm');
    const gn = historyOf(arm('plain', [0.2, 0.15, 0.17, 0.14]), arm('GN', [0.1, 0.1, 0.1, 0.1]));
    expect(icsCaption(gn, 1)).toContain("Here GN's ‖G − G′‖ averages 0.100 at layer 2, smaller than plain's 0.165 (cos 0.980 vs 0.980): in this run group norm reduces this shift");
  });

  it('notes a gradient-scale gap that dwarfs the comparison (a deep sigmoid net’s vanishing gradient)', () => {
    const h = historyOf(arm('plain', [1e-8, 2e-8, 1e-8, 2e-8], [1, 1, 1, 1], [1e-4, 1e-4, 1e-4, 1e-4]), arm('BN', [0.1, 0.2, 0.1, 0.2], [0.9, 0.9, 0.9, 0.9], [0.4, 0.4, 0.4, 0.4]));
    expect(icsCaption(h, 1)).toContain("(plain's gradient itself is 4,000× smaller)");
  });

  it('has nothing to compare at the first layer, or without a plain and a normalized arm', () => {
    const h = historyOf(arm('plain', [0.1, 0.1, 0.1, 0.1]), arm('BN', [0.2, 0.2, 0.2, 0.2]));
    expect(icsCaption(h, 0)).toContain('The first layer has none before it: pick a later layer.');
    const two = historyOf(arm('BN', [0.1, 0.1, 0.1, 0.1]), arm('LN', [0.2, 0.2, 0.2, 0.2]));
    expect(icsCaption(two, 1)).toContain('compare the arms once they have trained');
    expect(icsCaption(historyOf(arm('plain', []), arm('BN', [])), 1)).toContain('once they have trained');
  });

  it('averages an arm only up to its divergence', () => {
    const h = historyOf(arm('plain', [0.1, 0.3, NaN, NaN], undefined, undefined, 50));
    expect(icsMeans(h[0]!, 1)).toMatchObject({ probes: 2, l2: 0.2 });
  });
});
