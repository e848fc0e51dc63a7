/**
 * A new RSA signing key and its self-signed X.509 certificate (@peculiar/x509 over Node's
 * WebCrypto), generated once per data directory. Subscribers fetch the certificate from
 * SigningCertURL and verify message signatures with its public key.
 */
import { createHash, webcrypto } from 'node:crypto';

export interface SigningMaterial {
  /** 32 lower-case hex characters naming the certificate in its URL. */
  id: string;
  privateKeyPem: string;
  certificatePem: string;
}

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const VALIDITY_YEARS = 10;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export async function generateSigningMaterial(now: Date): Promise<SigningMaterial> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1'),
    name: 'CN=sns.amazonaws.com, O=HealthTrail, OU=Simple Notification Service',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
  }, webcrypto as unknown as Crypto);
  const der = certificate.rawData;
  return {
    id: createHash('sha256').update(Buffer.from(der)).digest('hex').slice(0, 32),
    privateKeyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certificatePem: certificate.toString('pem') + '\n',
  };
}
