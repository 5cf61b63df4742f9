import { writeFileSync } from "node:fs";
import swaggerJsdoc from "swagger-jsdoc";

// An Express app documented the swagger-jsdoc way: YAML in JSDoc comments above the routes (the comments are the
// input; no route runs). swagger-jsdoc joins them into one spec.
const source = `
/**
 * @openapi
 * components:
 *   securitySchemes:
 *     bearerAuth:
 *       type: http
 *       scheme: bearer
 *       bearerFormat: JWT
 *     cookieAuth:
 *       type: apiKey
 *       in: cookie
 *       name: sid
 *   schemas:
 *     Status:
 *       type: string
 *       enum: [open, closed, archived]
 *     Comment:
 *       type: object
 *       required: [id, body]
 *       properties:
 *         id: { type: integer }
 *         body: { type: string }
 *         replies:
 *           type: array
 *           items: { $ref: '#/components/schemas/Comment' }
 *     Ticket:
 *       type: object
 *       required: [id, title, status]
 *       properties:
 *         id: { type: string, format: uuid, readOnly: true }
 *         title: { type: string, maxLength: 120 }
 *         status: { $ref: '#/components/schemas/Status' }
 *         assignee: { type: string, nullable: true }
 *         due: { type: string, format: date-time }
 *         labels: { type: array, items: { type: string } }
 *         comments: { type: array, items: { $ref: '#/components/schemas/Comment' } }
 *         priority:
 *           oneOf:
 *             - { type: integer, minimum: 1, maximum: 5 }
 *             - { type: string, enum: [low, high] }
 *   parameters:
 *     page:
 *       in: query
 *       name: page
 *       schema: { type: integer, minimum: 1, default: 1 }
 *     perPage:
 *       in: query
 *       name: per_page
 *       schema: { type: integer, maximum: 100 }
 */

/**
 * @openapi
 * /tickets:
 *   get:
 *     summary: List tickets
 *     tags: [Tickets]
 *     parameters:
 *       - $ref: '#/components/parameters/page'
 *       - $ref: '#/components/parameters/perPage'
 *       - in: query
 *         name: status
 *         style: form
 *         explode: false
 *         schema:
 *           type: array
 *           items: { $ref: '#/components/schemas/Status' }
 *       - in: header
 *         name: X-Request-ID
 *         schema: { type: string }
 *     responses:
 *       200:
 *         description: A page of tickets
 *         headers:
 *           Link: { schema: { type: string } }
 *         content:
 *           application/json:
 *             schema:
 *               type: object
 *               properties:
 *                 data: { type: array, items: { $ref: '#/components/schemas/Ticket' } }
 *                 total: { type: integer }
 *   post:
 *     summary: Create a ticket
 *     tags: [Tickets]
 *     requestBody:
 *       required: true
 *       content:
 *         application/json:
 *           schema: { $ref: '#/components/schemas/Ticket' }
 *     responses:
 *       201:
 *         description: Created
 *         content:
 *           application/json:
 *             schema: { $ref: '#/components/schemas/Ticket' }
 */

/**
 * @openapi
 * /tickets/{ticketId}:
 *   parameters:
 *     - in: path
 *       name: ticketId
 *       required: true
 *       schema: { type: string, format: uuid }
 *   get:
 *     summary: Get a ticket
 *     responses:
 *       200:
 *         description: The ticket
 *         content:
 *           application/json:
 *             schema: { $ref: '#/components/schemas/Ticket' }
 *       404: { description: Not found }
 *   delete:
 *     summary: Delete a ticket
 *     security:
 *       - cookieAuth: []
 *     responses:
 *       204: { description: Deleted }
 */

/**
 * @openapi
 * /tickets/{ticketId}/attachments:
 *   post:
 *     summary: Attach a file
 *     parameters:
 *       - in: path
 *         name: ticketId
 *         required: true
 *         schema: { type: string }
 *     requestBody:
 *       content:
 *         multipart/form-data:
 *           schema:
 *             type: object
 *             properties:
 *               file: { type: string, format: binary }
 *               note: { type: string }
 *     responses:
 *       201: { description: Attached }
 */
`;
writeFileSync("routes.js", source);
const spec = swaggerJsdoc({
  definition: {
    openapi: "3.0.3",
    info: { title: "Tickets", version: "1.0.0" },
    servers: [{ url: "http://127.0.0.1:1/api" }],
    security: [{ bearerAuth: [] }],
  },
  apis: ["routes.js"],
});
writeFileSync("jsdoc30.json", JSON.stringify(spec, null, 2));
