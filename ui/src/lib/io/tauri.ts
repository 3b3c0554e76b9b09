// Import and export over the shell's generated commands (see api.ts, the only other module
// that knows about Tauri). Bytes cross as a number array; progress arrives as events.
import type { commands as generated, events as generatedEvents } from '../bindings';
import type * as T from '../types';
import type * as IO from './types';

type Commands = typeof generated;
type Events = typeof generatedEvents;
type Result<X> = { status: 'ok'; data: X } | { status: 'error'; error: unknown };
type Unwrap = <X>(call: Promise<Result<unknown>>) => Promise<X>;

const bytesOf = (b: Uint8Array): number[] => Array.from(b);

export function tauriIo(c: Commands, ev: Events, unwrap: Unwrap): IO.IoBackend {
  return {
    importRead: (name, bytes) => unwrap<IO.ImportFile>(c.importRead(name, bytesOf(bytes))),
    importPreview: (files) => unwrap<IO.Preview>(c.importPreview(files as never)),
    async importCommit(preview, onProgress) {
      const stop = onProgress ? await ev.importProgress.listen((e) => onProgress(e.payload as IO.Progress)) : null;
      try {
        return await unwrap<IO.ImportReport>(c.importCommit(preview as never));
      } finally {
        stop?.();
      }
    },
    importUndo: (batch) => unwrap<IO.UndoReport>(c.importUndo(batch)),
    importBatches: () => unwrap<IO.BatchInfo[]>(c.importBatches()),
    importSaveMapping: (name, mapping) => unwrap<IO.Mapping>(c.importSaveMapping(name, mapping as never)),
    importMappings: () => unwrap<IO.Mapping[]>(c.importMappings()),
    importIcs: (bytes) => unwrap<IO.IcsReport>(c.importIcs(bytesOf(bytes))),
    importVcard: (bytes) => unwrap<IO.VcardReport>(c.importVcard(bytesOf(bytes))),
    importArchive: () => unwrap<IO.Manifest | null>(c.importArchive()),
    exportList: (kind: T.EntityKind, query: T.ListQuery, format) => unwrap<string | null>(c.exportList(kind, query as never, format)),
    exportSearch: (query, kinds, limit, format) => unwrap<string | null>(c.exportSearch(query, kinds, limit, format)),
    exportGiftLedger: (format) => unwrap<string | null>(c.exportGiftLedger(format)),
    exportArchive: () => unwrap<IO.Manifest | null>(c.exportArchive()),
  };
}
