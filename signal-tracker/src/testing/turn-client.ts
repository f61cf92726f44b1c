// A TURN client for tests (RFC 8656 over UDP, RFC 8489 messages): Allocate with a long-term credential, then
// CreatePermission for a peer address, reporting the server's answer code. Enough to ask a real coturn what a relay
// handed out by the tracker may reach; it sends nothing to any peer.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIPv4 } from 'node:net';

const MAGIC = 0x2112a442;
const METHOD = { allocate: 0x003, createPermission: 0x008 };
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeerAddress: 0x0012,
  requestedTransport: 0x0019,
};

interface Attribute {
  type: number;
  value: Buffer;
}

/** A response: its class (0b10 success, 0b11 error), its error code (0 on success) and its attributes. */
export interface TurnResponse {
  success: boolean;
  code: number;
  attributes: Map<number, Buffer>;
}

function encodeAttributes(attributes: Attribute[]): Buffer {
  return Buffer.concat(
    attributes.map(({ type, value }) => {
      const header = Buffer.alloc(4);
      header.writeUInt16BE(type, 0);
      header.writeUInt16BE(value.length, 2);
      return Buffer.concat([header, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
    }),
  );
}

/** A request of `method`, with MESSAGE-INTEGRITY under `key` when given. */
function request(method: number, transaction: Buffer, attributes: Attribute[], key?: Buffer): Buffer {
  const body = encodeAttributes(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0); // class request: no class bits
  header.writeUInt32BE(MAGIC, 4);
  transaction.copy(header, 8);
  if (!key) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // The integrity covers the message with its length already counting the integrity attribute (24 bytes).
  header.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', key)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, encodeAttributes([{ type: ATTR.messageIntegrity, value: mac }])]);
}

function parse(message: Buffer): TurnResponse & { transaction: Buffer } {
  const type = message.readUInt16BE(0);
  const length = message.readUInt16BE(2);
  const attributes = new Map<number, Buffer>();
  for (let at = 20; at + 4 <= 20 + length;) {
    const attributeType = message.readUInt16BE(at);
    const size = message.readUInt16BE(at + 2);
    attributes.set(attributeType, message.subarray(at + 4, at + 4 + size));
    at += 4 + size + ((4 - (size % 4)) % 4);
  }
  const error = attributes.get(ATTR.errorCode);
  const code = error ? (error[2] & 0x7) * 100 + error[3] : 0;
  return { success: (type & 0x0110) === 0x0100, code, attributes, transaction: message.subarray(8, 20) };
}

/** XOR-PEER-ADDRESS of an IPv4 address (port 9: discard; no datagram is ever sent to it). */
function xorPeerAddress(address: string): Buffer {
  if (!isIPv4(address)) throw new Error(`an IPv4 address, not ${address}`);
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(9 ^ (MAGIC >>> 16), 2);
  const octets = address.split('.').map(Number);
  value.writeUInt32BE(
    (((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) ^ MAGIC) >>> 0,
    4,
  );
  return value;
}

export class TurnClient {
  private readonly socket: Socket = createSocket('udp4');
  private readonly waiting = new Map<string, (response: TurnResponse) => void>();
  private auth: { username: string; realm: Buffer; nonce: Buffer; key: Buffer } | null = null;

  private constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket.on('message', (message: Buffer) => {
      if (message.length < 20) return;
      const response = parse(message);
      const key = response.transaction.toString('hex');
      this.waiting.get(key)?.(response);
      this.waiting.delete(key);
    });
  }

  static async open(host: string, port: number): Promise<TurnClient> {
    const client = new TurnClient(host, port);
    await new Promise<void>((resolve) => client.socket.bind(0, '127.0.0.1', resolve));
    return client;
  }

  /** Allocates a UDP relay with the REST-API credential: the first try learns the realm and nonce (401). */
  async allocate(username: string, password: string): Promise<TurnResponse> {
    const transport = { type: ATTR.requestedTransport, value: Buffer.from([17, 0, 0, 0]) };
    const first = await this.send(METHOD.allocate, [transport], false);
    if (first.code !== 401) return first;
    const realm = first.attributes.get(ATTR.realm)!;
    const nonce = first.attributes.get(ATTR.nonce)!;
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    this.auth = { username, realm, nonce, key };
    return this.send(METHOD.allocate, [transport], true);
  }

  /** Asks for a permission to `address` on the allocation: success, or the refusal's code (403: forbidden IP). */
  createPermission(address: string): Promise<TurnResponse> {
    return this.send(
      METHOD.createPermission,
      [{ type: ATTR.xorPeerAddress, value: xorPeerAddress(address) }],
      true,
    );
  }

  close(): void {
    this.socket.close();
  }

  /** One request and its response, resent every 500 ms (UDP), given up after 5 s. */
  private send(method: number, attributes: Attribute[], signed: boolean): Promise<TurnResponse> {
    const transaction = randomBytes(12);
    const all = [...attributes];
    if (signed && this.auth) {
      const { username, realm, nonce } = this.auth;
      all.push(
        { type: ATTR.username, value: Buffer.from(username) },
        { type: ATTR.realm, value: realm },
        { type: ATTR.nonce, value: nonce },
      );
    }
    const message = request(method, transaction, all, signed ? this.auth?.key : undefined);
    return new Promise((resolve, reject) => {
      let tries = 0;
      const timer = setInterval(() => {
        if (++tries > 10) {
          clearInterval(timer);
          this.waiting.delete(transaction.toString('hex'));
          reject(new Error(`no answer from the TURN server at ${this.host}:${this.port}`));
          return;
        }
        this.socket.send(message, this.port, this.host);
      }, 500);
      this.waiting.set(transaction.toString('hex'), (response) => {
        clearInterval(timer);
        resolve(response);
      });
      this.socket.send(message, this.port, this.host);
    });
  }
}
