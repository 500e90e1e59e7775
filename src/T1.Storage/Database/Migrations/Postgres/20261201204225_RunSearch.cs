using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace T1.Storage.Database.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RunSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "runs",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StartedBy",
                table: "runs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "run_tags",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Value = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    By = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_run_tags", x => new { x.RunId, x.Key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_metrics_RunId_Key_Id",
                table: "metrics",
                columns: new[] { "RunId", "Key", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_run_tags_Key_Value",
                table: "run_tags",
                columns: new[] { "Key", "Value" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "run_tags");

            migrationBuilder.DropIndex(
                name: "IX_metrics_RunId_Key_Id",
                table: "metrics");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "runs");

            migrationBuilder.DropColumn(
                name: "StartedBy",
                table: "runs");
        }
    }
}
