// Masking what an unanswered question would give away: the rules live in main/lessons/reveal.ts, shared
// with the back end, which already redacts what it sends (so the views mostly meet MASK). Elements that may
// carry an answer carry `data-reveal` (what they show) and, while they hide something, `data-masked`
// (DECISIONS "Answer masking"): the end-to-end test reads both.
export { MASK, maskedLabel, Reveal, type FieldPlace } from '../../../main/lessons/reveal';
