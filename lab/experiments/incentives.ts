// Experiment 4 (seed 000; Cohen 2003; BitTyrant): contributors, free riders (never upload) and strategic peers, with
// tit-for-tat choking and with choking turned off; the download time of each class.
//
// A strategic peer is BitTyrant-like (lab/sim/strategy.ts): it keeps twice the connections, unchokes only peers that
// reciprocate (plus the optimistic one) and caps its upload to each at just above what that peer gives it, through
// the engine's `choker` hook; a peer that gives nothing yet is offered `strategicUploadShare` of a contributor's
// per-slot rate.
import { freeRider, noChoking, strategicChoker } from '../sim/strategy';
import { LabSwarm } from '../sim/swarm';
import type { LabPeer } from '../sim/swarm';
import { DEFAULT_CONFIG } from '../../shared/engine/session';
import type { Experiment, ExperimentResult, Figure, RunContext, Series } from './types';
import type { SwarmParams } from './common';
import {
  CAPACITIES,
  addOriginalSeed,
  KiB,
  MiB,
  bytes,
  completionCurve,
  completionSeconds,
  labTorrent,
  mean,
  rate,
  round,
  table,
} from './common';

export interface IncentivesParams extends SwarmParams {
  freeRiderShare: number;
  strategicShare: number;
  /** What a strategic peer offers a peer that does not reciprocate yet, as a share of a contributor's per-slot rate. */
  strategicUploadShare: number;
  arrivalSeconds: number;
  /** A leecher keeps seeding this long after it finishes, then leaves (-1: stays to the end). */
  lingerSeconds: number;
}

type PeerClass = 'contributor' | 'free rider' | 'strategic';
const CLASSES: PeerClass[] = ['contributor', 'free rider', 'strategic'];
type Mode = 'tit-for-tat' | 'no choking';
const MODES: Mode[] = ['tit-for-tat', 'no choking'];

interface Run {
  mode: Mode;
  peers: LabPeer[];
  times: Array<number | undefined>;
  endSeconds: number;
}

/** A contributor's rate per unchoked peer (its regular slots and the optimistic one), times the strategic share. */
function probeRate(params: IncentivesParams): number {
  const slots = DEFAULT_CONFIG.uploadSlots + 1;
  return (params.peerUpload / slots) * params.strategicUploadShare;
}

function runOnce(params: IncentivesParams, mode: Mode, context: RunContext): Run {
  const torrent = labTorrent(params.fileBytes, params.pieceLength, context.hash, params.seed);
  const swarm = new LabSwarm({
    torrent,
    hash: context.hash,
    seed: params.seed,
    config: mode === 'tit-for-tat' ? {} : { chokePolicy: noChoking },
  });
  addOriginalSeed(swarm, params);
  const freeRiders = Math.round(params.peers * params.freeRiderShare);
  const strategic = Math.round(params.peers * params.strategicShare);
  const strategicPolicy = strategicChoker({ probeRate: probeRate(params) });
  const peers: LabPeer[] = [];
  // Classes are interleaved in arrival order so that none of them arrives first.
  const order: PeerClass[] = [];
  for (let i = 0; i < params.peers; i++) {
    order.push(i < freeRiders ? 'free rider' : i < freeRiders + strategic ? 'strategic' : 'contributor');
  }
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(swarm.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (const role of order) {
    const joinAt = Math.floor(swarm.random() * params.arrivalSeconds * 1000);
    const common = { role, joinAt, download: params.peerDownload };
    if (role === 'free rider')
      peers.push(swarm.addPeer({ ...common, upload: params.peerUpload, config: { chokePolicy: freeRider } }));
    else if (role === 'strategic') {
      peers.push(
        swarm.addPeer({
          ...common,
          upload: params.peerUpload,
          config: {
            // Without choking nobody chokes, strategic peers included (they still keep twice the connections).
            chokePolicy: mode === 'tit-for-tat' ? strategicPolicy : noChoking,
            targetPeers: 40,
            maxPeers: 80,
          },
        }),
      );
    } else peers.push(swarm.addPeer({ ...common, upload: params.peerUpload }));
  }
  if (params.lingerSeconds >= 0) swarm.leaveWhenDone(peers, params.lingerSeconds * 1000);
  const bound = (params.peers * params.fileBytes) / (params.seedUpload + params.peers * params.peerUpload);
  swarm.runUntil((params.arrivalSeconds + bound * 10 + 600) * 1000, () => swarm.allDone(peers));
  return { mode, peers, times: completionSeconds(peers), endSeconds: swarm.now / 1000 };
}

export const incentives: Experiment<IncentivesParams> = {
  name: 'incentives',
  title: 'Incentives: contributors, free riders and strategic peers, with tit-for-tat and without choking',
  defaults: {
    peers: 80,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 1 * MiB,
    pieceLength: 16 * KiB,
    seedUpload: 32 * KiB,
    peerUpload: 16 * KiB,
    peerDownload: 64 * KiB,
    arrivalSeconds: 10,
    lingerSeconds: 0,
    seed: 4,
  },
  small: {
    peers: 24,
    freeRiderShare: 0.25,
    strategicShare: 0.25,
    strategicUploadShare: 0.5,
    fileBytes: 512 * KiB,
    ...CAPACITIES,
    arrivalSeconds: 5,
    lingerSeconds: 0,
    seed: 4,
  },
  run(params: IncentivesParams, context: RunContext): ExperimentResult {
    for (const key of ['freeRiderShare', 'strategicShare'] as const) {
      if (!(params[key] >= 0 && params[key] <= 1))
        throw new RangeError(`${key} must be in [0, 1], got ${params[key]}`);
    }
    if (params.freeRiderShare + params.strategicShare > 1)
      throw new RangeError('free riders and strategic peers exceed 100 %');
    if (!(params.strategicUploadShare > 0 && params.strategicUploadShare <= 1)) {
      throw new RangeError(`strategicUploadShare must be in (0, 1], got ${params.strategicUploadShare}`);
    }
    const runs: Run[] = [];
    const classTimes = (run: Run, role: PeerClass) =>
      run.times.filter((_, i) => run.peers[i].role === role).map((t) => t ?? run.endSeconds);
    const figures = (): Figure[] =>
      runs.map((run) => ({
        id: `incentives-${run.mode.replace(/ /g, '-')}`,
        title: `Peers finished over time, ${run.mode}`,
        xLabel: 'time (s)',
        yLabel: 'fraction of the class complete',
        series: CLASSES.filter((role) => run.peers.some((p) => p.role === role)).map((role): Series => ({
          name: role,
          points: completionCurve(run.times.filter((_, i) => run.peers[i].role === role)),
        })),
      }));
    for (const mode of MODES) {
      runs.push(runOnce(params, mode, context));
      context.progress?.(figures(), mode);
    }
    const headline: Record<string, number | string> = {};
    const rows: Array<Array<string | number>> = [];
    for (const run of runs) {
      const contributors = mean(classTimes(run, 'contributor'));
      for (const role of CLASSES) {
        const members = run.peers.filter((p) => p.role === role);
        if (members.length === 0) continue;
        const times = classTimes(run, role);
        const uploaded = mean(members.map((p) => p.host.bytesSent / params.fileBytes));
        const done = members.filter((p) => p.complete).length / members.length;
        const key = `${run.mode === 'tit-for-tat' ? 'tft' : 'noChoke'}${role === 'contributor' ? 'Contributor' : role === 'free rider' ? 'FreeRider' : 'Strategic'}`;
        headline[`${key}MeanSeconds`] = round(mean(times), 1);
        if (role !== 'contributor') headline[`${key}VsContributor`] = round(mean(times) / contributors, 3);
        rows.push([
          run.mode,
          role,
          members.length,
          round(mean(times), 1),
          round(Math.max(...times), 1),
          `${round(done * 100, 1)} %`,
          round(uploaded, 2),
          round(mean(times) / contributors, 2),
        ]);
      }
    }
    const summary = [
      `${params.peers} leechers (${round(params.freeRiderShare * 100)} % free riders, ${round(params.strategicShare * 100)} % strategic) and one seed; ` +
        `file ${bytes(params.fileBytes)}; seed ${rate(params.seedUpload)}, peers ${rate(params.peerUpload)} up / ${rate(params.peerDownload)} down; ` +
        `strategic peers (BitTyrant-like) keep twice the connections, unchoke only peers that reciprocate and give each just above what it gives them (${round(params.strategicUploadShare * 100)} % of a contributor's per-slot rate to a peer that gives nothing yet). ` +
        `Finished leechers ${params.lingerSeconds < 0 ? 'stay and seed to the end' : `seed ${params.lingerSeconds} s more, then leave`}. ` +
        'Times of peers that never finished count as the end of the run.',
      '',
      table(
        [
          'choking',
          'class',
          'peers',
          'mean finish (s)',
          'last (s)',
          'finished',
          'uploaded (copies of the file)',
          'time vs contributors',
        ],
        rows,
      ),
    ].join('\n');
    return { experiment: 'incentives', params: { ...params }, figures: figures(), headline, summary };
  },
};
