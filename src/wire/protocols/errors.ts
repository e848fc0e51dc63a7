/**
 * What every protocol needs to know about an error: the modelled error shape for a code, the
 * HTTP status (AwsError.status, else the model's httpStatusCode, else 400 sender / 500 fault)
 * and which member carries the message (HealthLake's `Message`, Omics' `message`).
 */
import type { AwsError } from '../../core/aws-error.ts';
import type { ServiceModel, Shape } from '../types.ts';

export interface ErrorInfo {
  code: string;
  status: number;
  sender: boolean;
  /** The modelled structure for this code, when the model has one. */
  shape?: Shape;
  /** Member name that carries the message: the shape's message-like member, else 'message'. */
  messageMember: string;
}

const byCode = new WeakMap<ServiceModel, Map<string, Shape>>();

/** The exception shape whose name or error.code equals `code`. */
export function errorShape(model: ServiceModel, code: string): Shape | undefined {
  let table = byCode.get(model);
  if (!table) {
    table = new Map();
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (!shape.exception) continue;
      if (!table.has(name)) table.set(name, shape);
      // error.code (query protocol's wire code) wins over a shape merely named like it.
      if (shape.error?.code) table.set(shape.error.code, shape);
    }
    byCode.set(model, table);
  }
  return table.get(code);
}

export function messageMemberOf(shape: Shape | undefined): string {
  if (shape?.members) {
    for (const name of Object.keys(shape.members)) {
      if (name === 'message' || name === 'Message' || name.toLowerCase() === 'message') return name;
    }
  }
  return 'message';
}

export function errorInfo(model: ServiceModel, error: AwsError): ErrorInfo {
  const shape = errorShape(model, error.code);
  let status = error.status;
  if (status === undefined) status = shape?.error?.httpStatusCode;
  if (status === undefined) {
    if (shape) status = shape.fault ? 500 : 400;
    else status = error.sender ? 400 : 500;
  }
  return { code: error.code, status, sender: status < 500, shape, messageMember: messageMemberOf(shape) };
}
