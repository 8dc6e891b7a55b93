/**
 * The former evaluation harness, now the inference runner (inference-runner.ts): these names remain only while
 * callers move to InferenceRunner; nothing is implemented here.
 */
export { InferenceRunner as Evaluator } from './inference-runner.ts';
export type { EvaluationResult } from './evaluation-tally.ts';
