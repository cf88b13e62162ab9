"""Pages as markdown, in Notion's two dialects: enhanced markdown (v1) and Notion-flavored
Markdown (v2). `content` renders and writes a page's blocks, `edit` runs the PATCH commands,
`v1`/`v2` are the dialects and `inline` their rich text."""
