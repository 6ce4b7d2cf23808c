"""Tax-alpha summaries, Form 8949 / Schedule D, planning tools and charts."""
