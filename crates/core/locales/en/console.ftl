# The web console's pages (headings, buttons, hints) in English. Every message here is
# in the other language's console.ftl too (a unit test checks it).
