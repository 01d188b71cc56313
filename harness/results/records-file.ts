// Append-only samples.jsonl: every record reaches the OS before the next sample starts, so a
// crash or kill loses nothing already written; a torn last line (kill mid-write) is dropped on read.
import { appendFileSync, existsSync, readFileSync, truncateSync } from 'node:fs';
import type { SampleRecord } from './record.js';

export interface RecordsRead {
  records: SampleRecord[];
  /** byte length of the complete lines; anything after it is a torn write */
  validBytes: number;
}

export function readRecords(path: string): RecordsRead {
  if (!existsSync(path)) return { records: [], validBytes: 0 };
  const text = readFileSync(path);
  const records: SampleRecord[] = [];
  let start = 0;
  let validBytes = 0;
  while (start < text.length) {
    const end = text.indexOf(0x0a, start);
    if (end < 0) break;
    const line = text.subarray(start, end).toString('utf8').trim();
    if (line.length > 0) {
      try {
        records.push(JSON.parse(line) as SampleRecord);
      } catch {
        break;
      }
    }
    start = end + 1;
    validBytes = start;
  }
  return { records, validBytes };
}

export class RecordsWriter {
  constructor(readonly path: string) {}

  /** Opens for appending after the last complete record, cutting off a torn write. */
  static resume(path: string): { writer: RecordsWriter; existing: SampleRecord[] } {
    const { records, validBytes } = readRecords(path);
    if (existsSync(path)) truncateSync(path, validBytes);
    return { writer: new RecordsWriter(path), existing: records };
  }

  append(record: SampleRecord): void {
    appendFileSync(this.path, JSON.stringify(record) + '\n');
  }
}
