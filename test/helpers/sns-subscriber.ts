/**
 * A local HTTP/S subscriber for SNS tests: a node:http server on 127.0.0.1 that records every
 * POST, can be told to fail the next few, and verifies message signatures the way a subscriber
 * does (fetch SigningCertURL, rebuild the documented string to sign, verify with the
 * certificate's public key). The verifier is written from AWS's documentation, independently of
 * the server's signing code.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { X509Certificate, verify } from 'node:crypto';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  /** The JSON document, unless the delivery was raw (values are strings, MessageAttributes an object). */
  json?: Record<string, any>;
}

export class TestSubscriber {
  readonly received: Received[] = [];
  /** Every POST that arrived, failed ones included. */
  attempts = 0;
  private failures = 0;
  private failStatus = 500;
  private waiters: { test: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  /** An http subscriber, or an https one when given a key and certificate (PEM). */
  static async start(path = '/sns', tls?: { key: string; cert: string }): Promise<TestSubscriber> {
    let self: TestSubscriber | undefined;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.arrived(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    };
    const server: Server = tls ? createHttpsServer(tls, onRequest) : createServer(onRequest);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    self = new TestSubscriber(server, `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return self;
  }

  /** The next `count` POSTs are answered with `status`. */
  failNext(count: number, status = 500): void {
    this.failures = count;
    this.failStatus = status;
  }

  /** The first message (already received or still to come) that passes `test`. */
  next(test: (r: Received) => boolean = () => true, timeoutMs = 30_000): Promise<Received> {
    const hit = this.received.find(test);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching SNS message arrived')), timeoutMs);
      this.waiters.push({ test, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
  }

  ofType(type: string, extra: (r: Received) => boolean = () => true): Promise<Received> {
    return this.next((r) => r.headers['x-amz-sns-message-type'] === type && extra(r));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private arrived(headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      res.writeHead(this.failStatus).end();
      return;
    }
    res.writeHead(200).end();
    const r: Received = { headers, body };
    if (headers['x-amz-sns-rawdelivery'] !== 'true') r.json = JSON.parse(body);
    this.received.push(r);
    for (const w of this.waiters.filter((w) => w.test(r))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(r);
    }
  }
}

const NOTIFICATION_KEYS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_KEYS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** Verifies an SNS message document as a subscriber would; returns the certificate used. */
export async function verifySnsMessage(doc: Record<string, any>): Promise<X509Certificate> {
  const keys = doc.Type === 'Notification' ? NOTIFICATION_KEYS : CONFIRMATION_KEYS;
  const signed = keys.filter((k) => doc[k] !== undefined).map((k) => `${k}\n${doc[k]}\n`).join('');
  const res = await fetch(doc.SigningCertURL!);
  if (res.status !== 200) throw new Error(`certificate fetch answered ${res.status}`);
  const certificate = new X509Certificate(await res.text());
  const algorithm = doc.SignatureVersion === '2' ? 'sha256' : 'sha1';
  const ok = verify(algorithm, Buffer.from(signed, 'utf8'), certificate.publicKey, Buffer.from(doc.Signature!, 'base64'));
  if (!ok) throw new Error(`signature of ${doc.Type} ${doc.MessageId} does not verify`);
  return certificate;
}
