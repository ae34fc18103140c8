ALTER TABLE "classroom_lesson" ADD COLUMN "recorded" boolean DEFAULT false NOT NULL;
