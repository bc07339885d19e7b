import { runCli } from './run-cli.ts';
import { seedCommand } from './seed-command.ts';

await runCli(async () => {
  await seedCommand({ echo: false }, (line) => console.log(line));
  return 0;
});
