// Every npm script runs on the Node.js major that Lambda runs (nodejs24.x). The project brings that
// Node itself: the npm package `node` (a devDependency) installs a binary at node_modules/.bin/node,
// which npm puts first on PATH for its scripts. When that binary is missing (an install with
// --ignore-scripts, or no install yet), scripts would silently fall back to the machine's Node.
const { devDependencies } = require('../package.json');

const wanted = devDependencies.node.split('.')[0];
const running = process.versions.node.split('.')[0];
if (running !== wanted) {
  console.error(
    `This project runs on Node.js ${wanted}, as AWS Lambda does, but this script ran on Node.js ${process.versions.node}.\n` +
      'Node.js comes with the project as the npm package `node`: run `npm ci` (with install scripts on),\n' +
      'then start scripts through npm (`npm test`, `npm start`, `npx …`), which puts node_modules/.bin/node first on PATH.',
  );
  process.exit(1);
}
