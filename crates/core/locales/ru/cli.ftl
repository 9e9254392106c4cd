# The command line's own texts in Russian. Every message here is in the other language's
# cli.ftl too (a unit test checks it).
