/**
 * Refusing a request whose body has not been (entirely) read. Answering at
 * once and closing is not enough: a connection closed with unread data is
 * reset, and the reset can destroy the answer before the client has read it.
 * Reading the whole body first is no good either: that is what a 40 MB
 * upload hopes for. So the rest is read off and dropped, never stored, up to
 * DRAIN_BYTES and DRAIN_MS (a form a little over a limit ends well within
 * that); past them, reading stops, the answer goes out, the client gets
 * CUT_AFTER_MS to read it, and the connection is cut.
 */
import type { Request, Response } from 'express';
import type { AppError } from '../errors.js';

const DRAIN_BYTES = 2 * 1024 * 1024;
const DRAIN_MS = 5_000;
const CUT_AFTER_MS = 1_000;

/** Passes `error` to the error handler (a problem), having dealt with the rest of the body as above. */
export function refuseBody(req: Request, res: Response, next: (error: AppError) => void, error: AppError): void {
  if (req.complete) return next(error);
  void drain(req).then((ended) => {
    if (!ended) {
      // Paused after reading, so Node does not read the rest off either (it does for a body nobody read).
      req.pause();
      res.once('finish', () => setTimeout(() => req.socket.destroy(), CUT_AFTER_MS).unref());
    }
    next(error);
  });
}

/** Reads and drops the rest of the body; true if it ended within DRAIN_BYTES and DRAIN_MS. */
function drain(req: Request): Promise<boolean> {
  return new Promise((resolve) => {
    let left = DRAIN_BYTES;
    const onData = (chunk: Buffer) => {
      left -= chunk.length;
      if (left < 0) settle(false);
    };
    const onEnd = () => settle(true);
    const onClose = () => settle(false);
    const timer = setTimeout(onClose, DRAIN_MS);
    function settle(drained: boolean): void {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('close', onClose);
      resolve(drained);
    }
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    // A client that goes away meanwhile is no error of ours.
    req.on('error', () => undefined);
    req.resume();
  });
}
