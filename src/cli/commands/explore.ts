import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { examplesText } from '../examples.js';
import { inputError } from '../../domain/errors.js';
import { buildExplorer } from '../../io/explorer.js';
import { OutputDir } from '../../io/output.js';

interface Args {
  out: string;
  port: number;
  serve: boolean;
}

export const exploreCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('out', { type: 'string', default: join('output', 'explorer'), describe: 'folder for the self-contained page (index.html works from file:// or any web server)' })
      .option('port', { type: 'number', default: 8719, describe: 'port on 127.0.0.1 to serve the page on (0: any free port)' })
      .option('serve', { type: 'boolean', default: true, describe: 'serve the page (--no-serve: only write it)' })
      .epilogue(examplesText([['build the page and open http://127.0.0.1:8719/', 'wafersim explore'], ['only write the page, to put on a web server', 'wafersim explore --no-serve --out site/explorer']])),
  handler: async (args) => {
    if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535)) throw inputError('--port', 'a whole number from 0 to 65535', args.port);
    const out = OutputDir.open(args.out, 'explorer', []);
    try {
      const page = await buildExplorer();
      out.write('index.html', page.html);
      out.commit();
      const shown = relative(process.cwd(), out.target) || out.target;
      process.stdout.write(`Wrote ${join(shown, 'index.html')} (${(Buffer.byteLength(page.html) / 1024).toFixed(0)} kB, worker ${(page.workerBytes / 1024).toFixed(0)} kB inside): open it from file:// or put it on any web server.\n`);
    } finally {
      out.discard();
    }
    if (!args.serve) return;
    const html = readFileSync(join(out.target, 'index.html'));
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split(/[?#]/)[0];
      if (req.method !== 'GET' || (path !== '/' && path !== '/index.html')) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? inputError('--port', 'a free port (or 0 for any)', `${args.port}, in use`) : error));
      server.listen(args.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : args.port;
    process.stdout.write(`Serving the explorer at http://127.0.0.1:${port}/ (Ctrl-C stops)\n`);
  },
};
