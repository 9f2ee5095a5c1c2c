/**
 * How many of a run's requests the sampling rule should trace: per wall-clock second the first
 * `reservoir` requests are traced, each further one with probability `fixedRate` (https://docs.aws.amazon.com/xray/latest/devguide/xray-console-sampling.html).
 * The reservoir part is fixed; the rate part is binomial, which gives the ± bound.
 */

export interface SamplingPredictionInput {
  rps: number;
  durationS: number;
  /** Requests per second always traced (rule `ReservoirSize` / local `fixed_target`). */
  reservoir: number;
  /** Probability for requests beyond the reservoir (rule `FixedRate` / local `rate`). */
  fixedRate: number;
  /** Standard deviations in the bound; 1.96 ≈ 95 %. */
  z?: number;
}

export interface SamplingPrediction {
  requests: number;
  expected: number;
  /** Part of `expected` taken by the reservoir, and by the fixed rate. */
  fromReservoir: number;
  fromRate: number;
  stdDev: number;
  /** expected ± z·σ; `high` also allows one extra reservoir second because a run rarely starts on a wall-clock second. */
  low: number;
  high: number;
  margin: number;
}

export function expectedSampled(input: SamplingPredictionInput): SamplingPrediction {
  const { rps, durationS, reservoir, fixedRate } = input;
  const z = input.z ?? 1.96;
  if (!(rps >= 0 && durationS >= 0 && reservoir >= 0 && fixedRate >= 0 && fixedRate <= 1)) {
    throw new RangeError('rps, durationS and reservoir must be ≥ 0 and fixedRate within [0, 1]');
  }
  const whole = Math.floor(durationS);
  const seconds = [...Array<number>(whole).fill(rps), ...(durationS > whole ? [rps * (durationS - whole)] : [])];
  let fromReservoir = 0;
  let beyond = 0;
  for (const n of seconds) {
    fromReservoir += Math.min(n, reservoir);
    beyond += Math.max(0, n - reservoir);
  }
  const fromRate = beyond * fixedRate;
  const stdDev = Math.sqrt(beyond * fixedRate * (1 - fixedRate));
  const expected = fromReservoir + fromRate;
  const margin = z * stdDev;
  const requests = rps * durationS;
  const slack = Math.min(reservoir, rps) * (1 - fixedRate);
  return {
    requests,
    expected,
    fromReservoir,
    fromRate,
    stdDev,
    low: Math.max(0, Math.floor(expected - margin)),
    high: Math.min(Math.ceil(requests), Math.ceil(expected + margin + slack)),
    margin,
  };
}
