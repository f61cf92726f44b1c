// The words `node signal-tracker` ends with when it cannot start: a taken port or an address this machine does not
// have says which flag (or variable) chooses another; anything else is said as the system said it.

interface SystemError extends Error {
  code?: string;
  port?: number;
  address?: string;
}

export function startFailure(error: SystemError): string {
  const where = error.port !== undefined ? `port ${error.port}` : 'the port';
  if (error.code === 'EADDRINUSE')
    return `cannot start: ${where} is taken by another program; choose another with --port <n> (or PORT)`;
  if (error.code === 'EACCES')
    return `cannot start: this user may not listen on ${where}; choose one above 1023 with --port <n> (or PORT)`;
  if (error.code === 'EADDRNOTAVAIL')
    return `cannot start: ${error.address ?? 'the address'} is not an address of this machine; choose another with --host <address> (or HOST)`;
  return `cannot start: ${error.message}`;
}
