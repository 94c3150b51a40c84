// The CPU of a process the bench did not write (the Redis of the backplane rows), read from /proc.
import { readdirSync, readFileSync } from 'node:fs'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU in hundredths of a second. */
const tickUs = 10_000

/** One reading of a process's CPU (see `cpuBetween`). */
export interface CpuSample {
  /** utime and stime from /proc/<pid>/stat, in 10 ms ticks. */
  ticks: { user: number; system: number }
  /** Time on CPU from its threads' schedstat, µs (0 where the kernel keeps no schedstat). */
  onCpuUs: number
}

/** Reads process `pid`'s CPU, all its threads. */
export function processCpu(pid: number): CpuSample {
  // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  let onCpuNs = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      onCpuNs += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return { ticks: { user: Number(fields[11]), system: Number(fields[12]) }, onCpuUs: onCpuNs / 1000 }
}

/**
 * User and system CPU between two readings, µs. /proc/<pid>/stat gives the split but in 10 ms ticks: a
 * 4 s window of a Redis busy for 100 ms would be ±10 %. So the total is the threads' schedstat (ns), split
 * in the proportion of the ticks (as the kernel splits its exact total for getrusage).
 */
export function cpuBetween(before: CpuSample, after: CpuSample): NodeJS.CpuUsage {
  const user = after.ticks.user - before.ticks.user
  const system = after.ticks.system - before.ticks.system
  const totalUs = after.onCpuUs > 0 ? after.onCpuUs - before.onCpuUs : (user + system) * tickUs
  const userShare = user + system > 0 ? user / (user + system) : 0.5
  return { user: totalUs * userShare, system: totalUs * (1 - userShare) }
}
