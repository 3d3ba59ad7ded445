// The machine a run happened on, for results.json and the README.
import { cpus, loadavg, totalmem } from 'node:os';

/** What results.json records about the machine and the moment. */
export interface MachineInfo {
  cpuModel: string;
  cpuCount: number;
  memoryBytes: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started: > cpuCount means somebody else was busy. */
  loadAtStart: number[];
}

/** Describes this machine now. */
export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
