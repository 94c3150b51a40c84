import type { NetworkConditions as Conditions } from '../../shared/capture.ts'

/**
 * The simulated network between every browser and this server. It is a
 * simulation (the real wire is a LAN or loopback), applied by the server to all
 * six techniques alike, and the page labels it "simulated".
 */
export class NetworkConditions implements Conditions {
  /** Simulated round-trip time, ms (0 = none). */
  rttMs = 0
}
