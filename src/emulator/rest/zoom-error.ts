import type { FastifyReply } from "fastify";

/** Zoom's error body: a numeric `code`, a `message`, and for validation failures the fields. */
export interface ZoomErrorBody {
  code: number;
  message: string;
  errors?: { field: string; message: string }[];
}

/**
 * Answers with Zoom's error shape. Every emulator failure goes through here so the client sees
 * exactly what it would see from Zoom: an HTTP status plus `{ code, message }`.
 */
export function sendZoomError(reply: FastifyReply, status: number, code: number, message: string, errors?: ZoomErrorBody["errors"]) {
  const body: ZoomErrorBody = { code, message, ...(errors ? { errors } : {}) };
  return reply.code(status).type("application/json;charset=UTF-8").send(body);
}
