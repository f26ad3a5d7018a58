// Parses a feed with podcast-partytime, as Podcast Index apps do, and prints what it found as
// JSON: the podcast's title and description, and each episode's. Usage: node partytime.js FILE
"use strict";
process.env.LOG = process.env.LOG || "silent";
const fs = require("fs");
const { parseFeed } = require("podcast-partytime");

const feed = parseFeed(fs.readFileSync(process.argv[2], "utf8"));
const found = feed && {
  title: feed.title,
  description: feed.description,
  author: feed.author,
  owner: feed.owner,
  link: feed.link,
  items: feed.items.map((item) => ({
    title: item.title,
    description: item.description,
    guid: item.guid,
    enclosure: item.enclosure && item.enclosure.url,
  })),
};
process.stdout.write(JSON.stringify(found) + "\n");
