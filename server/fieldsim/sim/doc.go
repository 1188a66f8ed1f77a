// Package sim runs the field simulation: teams of officers with phones
// (the reference client, each behind its own fault proxy) through patrol
// days in Medan, supervisors working the office desk in between, the
// server killed and restarted at random moments and, with photos in S3,
// the object storage down for stretches of phone actions; then a quiet
// final sync and the verdict.
//
// Time in the simulation is logical: a day is a number of patrols, a
// patrol a number of steps, and every choice (who acts, what they record,
// which fault hits which request, when the server or its storage dies)
// is drawn from random sources seeded by Config.Seed. The phones' clocks
// are real (plus their skew), because the server judges stamps against
// its own wall clock; the times recorded in the data (occurred_at,
// started_at…) are the simulation's own calendar.
package sim
