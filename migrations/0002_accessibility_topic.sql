-- A built-in topic for accessibility reports from the accessibility statement page.
INSERT INTO topics (slug, name_nl, name_en, is_demo, created_at)
VALUES ('toegankelijkheid', 'Toegankelijkheid van deze website', 'Accessibility of this website', 0, 0)
ON CONFLICT (slug) DO NOTHING;
